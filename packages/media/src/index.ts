export { probeMedia, type MediaInfo } from './probe-media';
export { localFilesOnly, localMediaInput } from './local-media-input';
