import { useState } from 'react';
import { describeProblem } from '../api/errors';
import { feed } from '../api/trpc';
import { useSession } from '../api/use-session';
import { navigate, signInHref } from '../router/router';

interface LikeButtonProps {
  imageId: string;
  liked: boolean;
  count: number;
}

/** Shows the new state at once and settles on the server's count; puts things back if the call fails. */
export function LikeButton({ imageId, liked: initialLiked, count: initialCount }: LikeButtonProps) {
  const signedIn = useSession() !== null;
  const [state, setState] = useState({ liked: initialLiked, count: initialCount });
  const [problem, setProblem] = useState<string | null>(null);
  const [pending, setPending] = useState(false);

  const toggle = async () => {
    if (!signedIn) return navigate(signInHref());
    if (pending) return;
    const before = state;
    const liked = !before.liked;
    setState({ liked, count: Math.max(0, before.count + (liked ? 1 : -1)) });
    setProblem(null);
    setPending(true);
    try {
      const result = await (liked ? feed.like : feed.unlike).mutate({ imageId });
      setState({ liked: result.liked, count: result.likeCount });
    } catch (error) {
      setState(before);
      setProblem(describeProblem(error).message);
    } finally {
      setPending(false);
    }
  };

  return (
    <div className="like">
      <button type="button" className={`like-button ${state.liked ? 'is-liked' : ''}`} aria-pressed={state.liked} onClick={toggle}>
        <span aria-hidden="true">{state.liked ? '♥' : '♡'}</span> {state.liked ? 'Liked' : 'Like'}
        <span className="like-count" aria-label={`${state.count} ${state.count === 1 ? 'like' : 'likes'}`}>
          {state.count}
        </span>
      </button>
      {problem && (
        <span className="field-error" role="alert">
          {problem}
        </span>
      )}
    </div>
  );
}
