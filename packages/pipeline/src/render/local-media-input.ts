/**
 * The options that make ffmpeg and ffprobe open an input, and everything the
 * input names, with the `file` protocol only. They open what they are given
 * through protocols (file, http, tcp, rtp, crypto, data, concat, …), and a
 * container can name more for them to open: an HLS or DASH playlist its
 * segments and keys, an SDP file its RTP streams, a concat list its files.
 * The media Fenta reads are tenant uploads, stock downloads and its own
 * files, all on local disk, so nothing it reads may reach the network: a
 * crafted playlist or a URL where a path belongs is refused. Nested opens
 * inherit the whitelist; left unset, ffmpeg allows `file,crypto,data` for what
 * a local file names, and anything at all for the input itself.
 */
export const localFilesOnly: readonly string[] = ['-protocol_whitelist', 'file'];

/** `-i file` for ffmpeg, after the input's own options (seek, loop, rate), restricted to local files. */
export function localMediaInput(file: string, inputOptions: readonly string[] = []): string[] {
  return [...inputOptions, ...localFilesOnly, '-i', file];
}
