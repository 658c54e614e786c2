import { typoBudget, wordsOf } from './query';

/**
 * How every adapter reads free text, so they find the same documents and rank them alike:
 * which words must match, which only help the ranking, which may be a prefix, how many
 * typos each may carry, and which neighbouring words make a phrase.
 */

/**
 * Words that say little about a photo ("cat on the sofa" is about a cat and a sofa). They
 * never block a match; where a document holds them they still count, and in phrases.
 */
export const STOP_WORDS: ReadonlySet<string> = new Set(
  (
    'a about after all am an and any are as at be been before being but by can did do does down for from had has have he her his how ' +
    'i if in into is it its just me my no not of off on onto or our out she so some than that the their them then there these they ' +
    'this those to too up us very was we were what when where which while who why will with you your'
  ).split(' '),
);

/** Words this short (1–2 letters: "a", "mt", "4k") never block a match either; they only add to the score. */
export const SHORT_WORD = 2;

/** levenshtein() takes at most 255 characters in the databases; typos are looked for in words far shorter. */
const MAX_TYPO_WORD = 64;

/** How much a matched word counts, by how it matched; a field's weight is multiplied by it. */
export const MATCH_QUALITY = { exact: 1, prefix: 0.5, /** divided by the number of typos */ typo: 0.4 } as const;

/**
 * Two query words side by side, in order, in one field add this times the field's weight,
 * so "golden retriever" in a title ranks above "golden" and "retriever" scattered about.
 */
export const PHRASE_BONUS = 2;
/** The fields whose word order is kept for phrases, with their weights (as in TEXT_FIELDS). */
export const PHRASE_FIELDS = { title: 4, description: 1 } as const;

/**
 * A query of this many words that must match also finds documents missing one of them
 * ("tokyo street at night" finds "Shibuya crossing at night, Tokyo"), ranked after every
 * document holding them all. Shorter queries need every word.
 */
export const ALL_BUT_ONE_FROM = 3;
/** Added to the score of a document holding every word that must match, so it ranks above those missing one. */
export const COMPLETE_MATCH_BONUS = 1_000;

/** How many of the query's required words a document must hold. */
export const wordsNeeded = (required: number): number => (required >= ALL_BUT_ONE_FROM ? required - 1 : required);

export interface TextTerm {
  word: string;
  /** The last word that must match may be the start of a longer one (search as you type). */
  prefix: boolean;
  /** Edits allowed when typos are tried (1 from 4 letters, 2 from 7; a transposition is one). */
  typos: number;
  /** Counts when present, never required: stop words and short words. */
  optional: boolean;
}

export interface PhrasePair {
  first: string;
  second: string;
  /** The second word ends the query, so it may be a prefix of the word in the document. */
  prefix: boolean;
}

export interface TextPlan {
  /** The words of the query in order, as spelt there (folded). */
  words: string[];
  /** Each distinct word once. Every one not optional must match. */
  terms: TextTerm[];
  /** Neighbouring query words, in order, that earn PHRASE_BONUS where a field holds them side by side. */
  pairs: PhrasePair[];
}

const isOptional = (word: string) => word.length <= SHORT_WORD || STOP_WORDS.has(word);

/**
 * The plan of a query's text. When every word is a stop word or short ("the who", "ny"),
 * they all must match, so the query still means something.
 */
export function planText(text: string): TextPlan {
  const sequence = wordsOf(text);
  const everyOptional = sequence.every(isOptional);
  const optional = (word: string) => !everyOptional && isOptional(word);
  let lastRequired = -1;
  sequence.forEach((word, index) => {
    if (!optional(word)) lastRequired = index;
  });
  const terms = new Map<string, TextTerm>();
  sequence.forEach((word, index) => {
    const known = terms.get(word);
    const prefix = index === lastRequired;
    if (known) {
      known.prefix ||= prefix;
      return;
    }
    const isShortOrStop = optional(word);
    terms.set(word, { word, prefix, optional: isShortOrStop, typos: isShortOrStop || word.length > MAX_TYPO_WORD ? 0 : typoBudget(word) });
  });
  const pairs: PhrasePair[] = [];
  for (let index = 1; index < sequence.length; index += 1) {
    pairs.push({ first: sequence[index - 1] as string, second: sequence[index] as string, prefix: index === sequence.length - 1 });
  }
  return { words: sequence, terms: [...terms.values()], pairs };
}

/** The text with the words that must match, in order: what an engine without optional words is sent (Typesense). */
export function requiredText(plan: TextPlan): string {
  const optional = new Set(plan.terms.filter((term) => term.optional).map((term) => term.word));
  return plan.words.filter((word) => !optional.has(word)).join(' ');
}

/** The word with one pair of neighbouring letters swapped, every way: a transposition is one typo. */
export function transpositionsOf(word: string): string[] {
  const variants = new Set<string>();
  for (let index = 1; index < word.length; index += 1) {
    if (word[index] === word[index - 1]) continue;
    variants.add(word.slice(0, index - 1) + word[index] + word[index - 1] + word.slice(index + 1));
  }
  return [...variants];
}
