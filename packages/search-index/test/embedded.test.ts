import { createEmbeddedSearchIndex } from '@glimpse/search-index';
import { describeSearchIndexContract } from './contract';
import { describeSearchQuality } from './quality';
import { describeRelevance } from './relevance';

describeSearchIndexContract('embedded (inverted index, in memory)', () => createEmbeddedSearchIndex());
describeSearchQuality('embedded (inverted index, in memory)', () => createEmbeddedSearchIndex());
describeRelevance('embedded (inverted index, in memory)', () => createEmbeddedSearchIndex());
