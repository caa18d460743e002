/** What the global setup started, for the teardown to stop. */
export interface RunningServices {
  root: string;
  stops: Array<() => Promise<void>>;
}
