import { Link, useNavigate, type LinkProps } from '@tanstack/react-router';
import { signOut } from '../api/sign-out';
import { useSession } from '../api/use-session';
import { NotificationBell } from './NotificationBell';
import { SearchBox } from './SearchBox';

/** Marked as the current page (`aria-current`) on its own path only, whatever the query string. */
function NavLink({ children, ...link }: LinkProps & { children: string }) {
  return (
    <Link {...link} className="nav-link" activeOptions={{ exact: true, includeSearch: false }}>
      {children}
    </Link>
  );
}

export function Header() {
  const current = useSession();
  const navigate = useNavigate();
  return (
    <header className="site-header">
      <Link to="/" className="brand" aria-label="Glimpse home" activeOptions={{ exact: true, includeSearch: false }}>
        <span className="brand-mark" aria-hidden="true" />
        Glimpse
      </Link>
      <SearchBox />
      <nav className="nav" aria-label="Main">
        <NavLink to="/">Feed</NavLink>
        {current ? (
          <>
            <NavLink to="/upload">Upload</NavLink>
            <NavLink to="/me">My uploads</NavLink>
            <NavLink to="/albums">My albums</NavLink>
            {current.user.role === 'admin' && <NavLink to="/admin">Admin</NavLink>}
            {current.user.avatarUrl && <img className="avatar" src={current.user.avatarUrl} alt="" width={28} height={28} />}
            <NavLink to="/u/$username" params={{ username: current.user.username }}>{`@${current.user.username}`}</NavLink>
            <NavLink to="/settings">Settings</NavLink>
            <NotificationBell />
            <button
              type="button"
              className="button-quiet"
              onClick={async () => {
                // Leave a page for signed-in users before the session goes, so it does not ask to sign in.
                await navigate({ to: '/' });
                await signOut();
              }}
            >
              Sign out
            </button>
          </>
        ) : (
          <>
            <NavLink to="/signin">Sign in</NavLink>
            <Link to="/signup" className="button" activeOptions={{ exact: true, includeSearch: false }}>
              Sign up
            </Link>
          </>
        )}
      </nav>
    </header>
  );
}
