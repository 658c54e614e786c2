import { useSession } from '../api/use-session';
import { signOut } from '../api/sign-out';
import { Link, navigate, useLocation } from '../router/router';
import { SearchBox } from './SearchBox';

function NavLink({ to, children }: { to: string; children: string }) {
  const { pathname } = useLocation();
  return (
    <Link to={to} className="nav-link" aria-current={pathname === to ? 'page' : undefined}>
      {children}
    </Link>
  );
}

export function Header() {
  const current = useSession();
  return (
    <header className="site-header">
      <Link to="/" className="brand" aria-label="Glimpse home">
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
            <NavLink to={`/u/${current.user.username}`}>{`@${current.user.username}`}</NavLink>
            <button
              type="button"
              className="button-quiet"
              onClick={() => {
                navigate('/');
                void signOut();
              }}
            >
              Sign out
            </button>
          </>
        ) : (
          <>
            <NavLink to="/signin">Sign in</NavLink>
            <Link to="/signup" className="button">
              Sign up
            </Link>
          </>
        )}
      </nav>
    </header>
  );
}
