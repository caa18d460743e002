/** One file of a stock clip: the same footage at one size. */
export interface StockRendition {
  url: string;
  width: number;
  height: number;
}

/** A clip a stock search found, before anything is downloaded. */
export interface StockCandidate {
  /** The provider's id of the clip. */
  id: string;
  durationSeconds: number;
  renditions: StockRendition[];
  /** The clip's page at the provider, for attribution. */
  pageUrl?: string;
  author?: string;
  /** The search term that found it. */
  query: string;
}
