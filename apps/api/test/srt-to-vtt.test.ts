import { srtToVtt } from '../src/renders/srt-to-vtt';

describe('srtToVtt', () => {
  it('reads what other tools write too: a BOM, CRLF, position hints, dots and short fractions, blank lines with spaces', () => {
    const srt = '\uFEFF1\r\n00:00:01,5 --> 00:00:02.25 X1:10 X2:20\r\nHello\r\n \r\n2\r\n1:00:03,000 --> 1:00:04,000\r\nWorld\r\n';
    expect(srtToVtt(srt)).toBe('WEBVTT\n\n00:00:01.500 --> 00:00:02.250\nHello\n\n01:00:03.000 --> 01:00:04.000\nWorld\n\n');
  });

  it('skips blocks without a timing line and turns an empty SRT into an empty WebVTT file', () => {
    expect(srtToVtt('')).toBe('WEBVTT\n\n');
    expect(srtToVtt('just text\n\n3\n00:00:00,000 --> 00:00:01,000\nkept\n')).toBe('WEBVTT\n\n00:00:00.000 --> 00:00:01.000\nkept\n\n');
  });
});
