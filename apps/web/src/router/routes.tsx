import { createRootRoute, createRoute, createRouter, Outlet } from '@tanstack/react-router';
import { Header } from '../components/Header';
import { AdminPage } from '../pages/AdminPage';
import { AlbumPage } from '../pages/AlbumPage';
import { AlbumsPage } from '../pages/AlbumsPage';
import { DuplicatesPage } from '../pages/DuplicatesPage';
import { FeedPage } from '../pages/FeedPage';
import { ForgotPasswordPage } from '../pages/ForgotPasswordPage';
import { ImagePage } from '../pages/ImagePage';
import { ImportPage } from '../pages/ImportPage';
import { MyUploadsPage } from '../pages/MyUploadsPage';
import { NotFoundPage } from '../pages/NotFoundPage';
import { ResetPasswordPage } from '../pages/ResetPasswordPage';
import { SearchPage } from '../pages/SearchPage';
import { SignInPage } from '../pages/SignInPage';
import { SignUpPage } from '../pages/SignUpPage';
import { UploadPage } from '../pages/UploadPage';
import { SettingsPage } from '../pages/SettingsPage';
import { UserPage } from '../pages/UserPage';
import { VerifyEmailPage } from '../pages/VerifyEmailPage';
import { readSearchParams } from '../search/search-params';
import { readExportSearch, readFeedSearch, readImportSearch, readSignInSearch, readTokenSearch } from './paths';
import { parseSearch, stringifySearch } from './search-string';
import { useSignInWhenSessionEnds } from './session-routes';

function Layout() {
  useSignInWhenSessionEnds();
  return (
    <>
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <Header />
      <main id="main" tabIndex={-1}>
        <Outlet />
      </main>
    </>
  );
}

const rootRoute = createRootRoute({ component: Layout, notFoundComponent: () => <NotFoundPage /> });

const feedRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: '/',
  validateSearch: readFeedSearch,
  component: function FeedRoute() {
    return <FeedPage sort={feedRoute.useSearch().sort} />;
  },
});

const imageRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: '/i/$imageId',
  component: function ImageRoute() {
    const { imageId } = imageRoute.useParams();
    return <ImagePage key={imageId} imageId={imageId} />;
  },
});

const userRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: '/u/$username',
  component: function UserRoute() {
    const username = userRoute.useParams().username.toLowerCase();
    return <UserPage key={username} username={username} />;
  },
});

const albumRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: '/albums/$albumId',
  component: function AlbumRoute() {
    const { albumId } = albumRoute.useParams();
    return <AlbumPage key={albumId} albumId={albumId} />;
  },
});

const albumsRoute = createRoute({ getParentRoute: () => rootRoute, path: '/albums', component: AlbumsPage });
const duplicatesRoute = createRoute({ getParentRoute: () => rootRoute, path: '/duplicates', component: DuplicatesPage });

const searchRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: '/search',
  validateSearch: readSearchParams,
  component: function SearchRoute() {
    return <SearchPage params={searchRoute.useSearch()} />;
  },
});

const signInRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: '/signin',
  validateSearch: readSignInSearch,
  component: function SignInRoute() {
    return <SignInPage search={signInRoute.useSearch()} />;
  },
});

const signUpRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: '/signup',
  validateSearch: readSignInSearch,
  component: function SignUpRoute() {
    return <SignUpPage search={signUpRoute.useSearch()} />;
  },
});

const verifyEmailRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: '/verify-email',
  validateSearch: readTokenSearch,
  component: function VerifyEmailRoute() {
    return <VerifyEmailPage token={verifyEmailRoute.useSearch().token} />;
  },
});

const resetPasswordRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: '/reset-password',
  validateSearch: readTokenSearch,
  component: function ResetPasswordRoute() {
    return <ResetPasswordPage token={resetPasswordRoute.useSearch().token} />;
  },
});

const adminRoute = createRoute({ getParentRoute: () => rootRoute, path: '/admin', component: AdminPage });

const forgotPasswordRoute = createRoute({ getParentRoute: () => rootRoute, path: '/forgot-password', component: ForgotPasswordPage });

const myUploadsRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: '/me',
  validateSearch: readExportSearch,
  component: function MyUploadsRoute() {
    return <MyUploadsPage exportId={myUploadsRoute.useSearch().export} />;
  },
});
const importRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: '/import',
  validateSearch: readImportSearch,
  component: function ImportRoute() {
    return <ImportPage importId={importRoute.useSearch().id} />;
  },
});
const uploadRoute = createRoute({ getParentRoute: () => rootRoute, path: '/upload', component: UploadPage });
const settingsRoute = createRoute({ getParentRoute: () => rootRoute, path: '/settings', component: SettingsPage });

const routeTree = rootRoute.addChildren([
  feedRoute,
  imageRoute,
  userRoute,
  albumRoute,
  albumsRoute,
  duplicatesRoute,
  searchRoute,
  myUploadsRoute,
  uploadRoute,
  importRoute,
  settingsRoute,
  signInRoute,
  signUpRoute,
  verifyEmailRoute,
  resetPasswordRoute,
  forgotPasswordRoute,
  adminRoute,
]);

/**
 * Every page of the app. The server answers each of these URLs with index.html; data comes
 * from the query cache, so the back button shows a page as it was and the router puts the
 * scroll position back.
 */
export const router = createRouter({
  routeTree,
  parseSearch,
  stringifySearch,
  scrollRestoration: true,
});

declare module '@tanstack/react-router' {
  interface Register {
    router: typeof router;
  }
}
