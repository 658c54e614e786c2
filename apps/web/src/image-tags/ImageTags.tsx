import type { FeedOutputs } from '@glimpse/feed';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Link } from '@tanstack/react-router';
import { describeProblem } from '../api/errors';
import { trpc } from '../api/queries';
import { invalidateImageLists } from '../feed/image-cache';
import { Notice } from '../components/Notice';

type ImageDetail = FeedOutputs['image'];

/** "87%": how sure the model was, as text a person reads without hovering. */
export const confidenceText = (confidence: number | null) => (confidence === null ? '' : `${Math.round(confidence * 100)}%`);

/**
 * The owner's tags, then the machine's apart from them, each with its confidence; the owner
 * may remove a wrong machine tag (it stays removed when the image is tagged again).
 */
export function ImageTags({ image }: { image: ImageDetail }) {
  const queryClient = useQueryClient();
  const remove = useMutation(trpc.upload.removeMachineTag.mutationOptions({ onSuccess: () => invalidateImageLists(queryClient) }));
  const userTags = image.tags.filter((tag) => tag.source === 'user');
  const machineTags = image.tags.filter((tag) => tag.source === 'machine');
  return (
    <>
      {userTags.length > 0 && (
        <ul className="tags" aria-label="Tags">
          {userTags.map((tag) => (
            <li key={tag.tag}>
              <Link to="/search" search={{ tags: [tag.tag] }} className="tag">
                #{tag.tag}
              </Link>
            </li>
          ))}
        </ul>
      )}
      {machineTags.length > 0 && (
        <section className="machine-tags" aria-labelledby="machine-tags-heading">
          <h2 id="machine-tags-heading" className="machine-tags-heading">
            Detected by the tagger
          </h2>
          <ul className="tags" aria-label="Machine tags">
            {machineTags.map((tag) => (
              <li key={tag.tag} className="machine-tag">
                <Link to="/search" search={{ tags: [tag.tag], tagSource: 'machine' }} className="tag tag-machine">
                  {tag.tag} <span className="tag-confidence">{confidenceText(tag.confidence)}</span>
                </Link>
                {image.isOwner && (
                  <button
                    type="button"
                    className="tag-remove"
                    aria-label={`Remove machine tag ${tag.tag}`}
                    title="Wrong? Remove it; it will not come back"
                    disabled={remove.isPending}
                    onClick={() => remove.mutate({ imageId: image.id, tag: tag.tag })}
                  >
                    ×
                  </button>
                )}
              </li>
            ))}
          </ul>
        </section>
      )}
      {remove.error && <Notice tone="error" message={describeProblem(remove.error).message} />}
    </>
  );
}
