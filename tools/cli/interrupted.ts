/** Exit code of a run stopped by Ctrl-C or SIGTERM after a clean cancel (128 + SIGINT, as shells report it). */
export const EXIT_INTERRUPTED = 130;

/** The run was cancelled by a signal; the message says what state things are in. */
export class Interrupted extends Error {}
