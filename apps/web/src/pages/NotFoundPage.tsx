import { Link } from '@tanstack/react-router';

export function NotFoundPage({ message = 'There is nothing at this address.' }: { message?: string }) {
  return (
    <section className="page page-narrow empty-page">
      <h1>Not found</h1>
      <p>{message}</p>
      <p>
        <Link to="/">Back to the feed</Link>
      </p>
    </section>
  );
}
