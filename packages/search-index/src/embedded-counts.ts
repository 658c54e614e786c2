import type { NormalizedSuggest } from './query';
import type { SearchDocument, Suggestion } from './search-index';

type Counts = Map<string, number>;

/**
 * How many documents carry each value, kept apart by who may see them: one count over
 * public documents, and one per owner over their unlisted and private ones. A viewer's
 * count is the public one plus their own, so suggestions never reveal what they may not see.
 */
class ScopedCounts {
  private readonly everyone: Counts = new Map();
  private readonly ownerOnly = new Map<string, Counts>();

  change(doc: SearchDocument, values: readonly string[], delta: 1 | -1): void {
    let counts = this.everyone;
    if (doc.visibility !== 'public') {
      counts = this.ownerOnly.get(doc.ownerId) ?? new Map();
      this.ownerOnly.set(doc.ownerId, counts);
    }
    for (const value of values) {
      const next = (counts.get(value) ?? 0) + delta;
      if (next > 0) counts.set(value, next);
      else counts.delete(value);
    }
    if (counts !== this.everyone && counts.size === 0) this.ownerOnly.delete(doc.ownerId);
  }

  withPrefix(prefix: string, viewerId: string | null): Counts {
    const found: Counts = new Map();
    const scopes = [this.everyone, viewerId === null ? undefined : this.ownerOnly.get(viewerId)];
    for (const counts of scopes) {
      for (const [value, count] of counts ?? []) {
        if (value.startsWith(prefix)) found.set(value, (found.get(value) ?? 0) + count);
      }
    }
    return found;
  }

  clear(): void {
    this.everyone.clear();
    this.ownerOnly.clear();
  }
}

/** Tag and username counts for suggestions, updated with every write. */
export class SuggestionCounts {
  private readonly tags = new ScopedCounts();
  private readonly users = new ScopedCounts();

  add(doc: SearchDocument): void {
    this.tags.change(doc, doc.tags, 1);
    this.users.change(doc, [doc.ownerUsername], 1);
  }

  remove(doc: SearchDocument): void {
    this.tags.change(doc, doc.tags, -1);
    this.users.change(doc, [doc.ownerUsername], -1);
  }

  clear(): void {
    this.tags.clear();
    this.users.clear();
  }

  suggest({ tagPrefix, userPrefix, viewerId }: NormalizedSuggest): Suggestion[] {
    const suggestions: Suggestion[] = [];
    if (tagPrefix) {
      for (const [value, count] of this.tags.withPrefix(tagPrefix, viewerId)) suggestions.push({ kind: 'tag', value, count });
    }
    if (userPrefix) {
      for (const [value, count] of this.users.withPrefix(userPrefix, viewerId)) suggestions.push({ kind: 'user', value, count });
    }
    return suggestions;
  }
}
