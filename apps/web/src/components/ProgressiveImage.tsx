import type { ImageCard, VariantName } from '@glimpse/images';
import { useState } from 'react';
import { placeholderUrl } from './placeholder';

/** Longest edge of each variant, as the image processor writes them (smaller originals are not enlarged). */
const MAX_EDGE: Record<VariantName, number> = { thumb: 480, medium: 1280, large: 2560 };

type ImageLike = Pick<ImageCard, 'urls' | 'width' | 'height' | 'placeholder' | 'dominantColor'>;

interface ProgressiveImageProps {
  image: ImageLike;
  alt: string;
  /** Variants the browser may choose from, smallest first. */
  variants: VariantName[];
  /** Rendered width, as for `<img sizes>`. */
  sizes: string;
  eager?: boolean;
  className?: string;
}

function srcSet(image: ImageLike, variants: VariantName[], format: 'webp' | 'jpeg'): string {
  const longest = Math.max(image.width, image.height, 1);
  const seen = new Set<number>();
  return variants
    .map((name) => ({ url: image.urls[name][format], width: Math.round(image.width * Math.min(1, MAX_EDGE[name] / longest)) }))
    .filter(({ width }) => width > 0 && !seen.has(width) && seen.add(width))
    .map(({ url, width }) => `${url} ${width}w`)
    .join(', ');
}

/**
 * An image whose box has its final size from the start (no layout shift), showing the
 * ThumbHash preview (or the dominant colour) until the real pixels arrive, then fading in.
 */
export function ProgressiveImage({ image, alt, variants, sizes, eager = false, className = '' }: ProgressiveImageProps) {
  const [loaded, setLoaded] = useState(false);
  const preview = placeholderUrl(image.placeholder);
  const fallback = variants[variants.length - 1] ?? 'medium';
  return (
    <div
      className={`progressive ${loaded ? 'is-loaded' : ''} ${className}`}
      style={{
        aspectRatio: image.width && image.height ? `${image.width} / ${image.height}` : undefined,
        ['--aspect' as string]: image.width && image.height ? image.width / image.height : 1,
        ['--natural-width' as string]: image.width ? `${image.width}px` : '100%',
        backgroundColor: image.dominantColor ?? undefined,
        backgroundImage: preview ? `url("${preview}")` : undefined,
      }}
    >
      <picture>
        <source type="image/webp" srcSet={srcSet(image, variants, 'webp')} sizes={sizes} />
        <img
          src={image.urls[fallback].jpeg}
          srcSet={srcSet(image, variants, 'jpeg')}
          sizes={sizes}
          alt={alt}
          width={image.width || undefined}
          height={image.height || undefined}
          loading={eager ? 'eager' : 'lazy'}
          decoding="async"
          ref={(img) => {
            // A cached image may have finished before React attached onLoad.
            if (img?.complete && img.naturalWidth > 0) setLoaded(true);
          }}
          onLoad={() => setLoaded(true)}
        />
      </picture>
    </div>
  );
}

export const altText = (image: { title: string; owner: { username: string } }) => image.title.trim() || `Photo by ${image.owner.username}`;
