import { useEffect, type ReactNode } from 'react';
import { session } from './api/session';
import { Header } from './components/Header';
import { forgetPagedLists } from './feed/paged-list';
import { FeedPage } from './pages/FeedPage';
import { ImagePage } from './pages/ImagePage';
import { MyUploadsPage } from './pages/MyUploadsPage';
import { NotFoundPage } from './pages/NotFoundPage';
import { SearchPage } from './pages/SearchPage';
import { SignInPage } from './pages/SignInPage';
import { SignUpPage } from './pages/SignUpPage';
import { UploadPage } from './pages/UploadPage';
import { UserPage } from './pages/UserPage';
import { matchPath, navigate, signInHref, useLocation } from './router/router';
import { uploadQueue } from './uploads/upload-queue';

type Params = Record<string, string>;

const ROUTES: Array<[pattern: string, render: (params: Params) => ReactNode]> = [
  ['/', () => <FeedPage />],
  ['/i/:imageId', ({ imageId }) => <ImagePage key={imageId} imageId={imageId!} />],
  ['/u/:username', ({ username }) => <UserPage key={username} username={username!.toLowerCase()} />],
  ['/search', () => <SearchPage />],
  ['/me', () => <MyUploadsPage />],
  ['/upload', () => <UploadPage />],
  ['/signin', () => <SignInPage />],
  ['/signup', () => <SignUpPage />],
];

function CurrentPage() {
  const { pathname } = useLocation();
  for (const [pattern, render] of ROUTES) {
    const params = matchPath(pattern, pathname);
    if (params) return render(params);
  }
  return <NotFoundPage />;
}

/** When the session can no longer be renewed, ask to sign in again and come back here. */
function useSignInWhenSessionEnds() {
  useEffect(
    () =>
      session.onExpired(() => {
        uploadQueue.clear();
        forgetPagedLists();
        const back = location.pathname + location.search;
        navigate(`${signInHref(back)}${back === '/' ? '?' : '&'}expired=1`);
      }),
    [],
  );
}

export function App() {
  useSignInWhenSessionEnds();
  return (
    <>
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <Header />
      <main id="main" tabIndex={-1}>
        <CurrentPage />
      </main>
    </>
  );
}
