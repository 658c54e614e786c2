import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useNavigate, useRouter } from '@tanstack/react-router';
import { describeProblem } from '../api/errors';
import { feed } from '../api/trpc';
import { useSession } from '../api/use-session';
import { cancelImageQueries, invalidateLikeOrderedLists, restore, setLikeEverywhere, type LikeState } from '../feed/image-cache';
import { signInSearch } from '../router/paths';

interface LikeButtonProps {
  imageId: string;
  liked: boolean;
  count: number;
}

/**
 * Shows the new state at once, on this page and in every cached list that holds the image,
 * and settles on the server's count; puts everything back if the call fails.
 */
export function LikeButton({ imageId, liked, count }: LikeButtonProps) {
  const signedIn = useSession() !== null;
  const navigate = useNavigate();
  const router = useRouter();
  const queryClient = useQueryClient();
  const toggle = useMutation({
    mutationFn: (like: LikeState) => (like.liked ? feed.like : feed.unlike).mutate({ imageId }),
    onMutate: async (like) => {
      await cancelImageQueries(queryClient);
      return setLikeEverywhere(queryClient, imageId, like);
    },
    onSuccess: (result) => void setLikeEverywhere(queryClient, imageId, { liked: result.liked, likeCount: result.likeCount }),
    onError: (_error, _like, before) => before && restore(queryClient, before),
    onSettled: () => invalidateLikeOrderedLists(queryClient),
  });

  const onClick = () => {
    if (!signedIn) return void navigate({ to: '/signin', search: signInSearch(router.latestLocation.href) });
    if (toggle.isPending) return;
    toggle.mutate({ liked: !liked, likeCount: Math.max(0, count + (liked ? -1 : 1)) });
  };

  return (
    <div className="like">
      <button type="button" className={`like-button ${liked ? 'is-liked' : ''}`} aria-pressed={liked} onClick={onClick}>
        <span aria-hidden="true">{liked ? '♥' : '♡'}</span> {liked ? 'Liked' : 'Like'}
        <span className="like-count" aria-label={`${count} ${count === 1 ? 'like' : 'likes'}`}>
          {count}
        </span>
      </button>
      {toggle.error && (
        <span className="field-error" role="alert">
          {describeProblem(toggle.error).message}
        </span>
      )}
    </div>
  );
}
