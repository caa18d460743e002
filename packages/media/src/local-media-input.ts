/**
 * The options that make ffmpeg and ffprobe open an input, and everything the
 * input names, with the `file` protocol only. They open what they are given
 * through protocols (file, http, tcp, rtp, crypto, data, concat, …), and a
 * container can name more for them to open: an HLS or DASH playlist its
 * segments and keys, an SDP file its RTP streams, a concat list its files.
 * The media Fenta reads are tenant uploads, stock downloads and its own
 * files, all on local disk, so nothing it reads may reach the network: a
 * crafted playlist or a URL where a path belongs is refused, and so is any
 * container that is not plain media (see mediaContainers). Nested opens
 * inherit the whitelist; left unset, ffmpeg allows `file,crypto,data` for what
 * a local file names, and anything at all for the input itself.
 */
/**
 * The containers Fenta reads: video (MP4/MOV, Matroska/WebM), audio (WAV,
 * MP3, Ogg/Opus, FLAC, AAC) and still images. Not among them are the ones
 * that name other files to open (HLS, DASH, concat, SDP…): even through
 * `file` only, a playlist could pull another org's media off this disk into
 * a tenant's render.
 */
const mediaContainers = ['mov', 'matroska', 'wav', 'mp3', 'ogg', 'flac', 'aac', 'image2', 'png_pipe', 'jpeg_pipe', 'webp_pipe', 'gif'];

export const localFilesOnly: readonly string[] = ['-protocol_whitelist', 'file', '-format_whitelist', mediaContainers.join(',')];

/** `-i file` for ffmpeg, after the input's own options (seek, loop, rate), restricted to local files. */
export function localMediaInput(file: string, inputOptions: readonly string[] = []): string[] {
  return [...inputOptions, ...localFilesOnly, '-i', file];
}
