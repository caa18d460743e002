import { splitSentenceWords } from '../../src/providers/tts/split-sentence-words';
import { splitSentences } from '../../src/providers/script/split-sentences';
import { breakUnits } from '../../src/text/break-units';
import { joinWords } from '../../src/text/join-words';

describe('splitSentenceWords', () => {
  it('splits spaced scripts at spaces, punctuation kept on its word', () => {
    expect(splitSentenceWords('Breaking news — tonight, the city!')).toEqual(['Breaking', 'news —', 'tonight,', 'the', 'city!']);
    expect(splitSentenceWords('Привет, мир. Καλημέρα κόσμε')).toEqual(['Привет,', 'мир.', 'Καλημέρα', 'κόσμε']);
    expect(splitSentenceWords('नमस्ते दुनिया, आज की खबर।')).toEqual(['नमस्ते', 'दुनिया,', 'आज', 'की', 'खबर।']);
  });

  it('cuts Japanese, Chinese and Thai, written without spaces, into their words', () => {
    expect(splitSentenceWords('今日は良い天気ですね。')).toEqual(['今日', 'は', '良い', '天気', 'です', 'ね。']);
    expect(splitSentenceWords('今天天气很好，我们去公园吧。')).toEqual(['今天', '天气', '很好，', '我们', '去', '公园', '吧。']);
    expect(splitSentenceWords('สวัสดีครับวันนี้อากาศดี')).toEqual(['สวัสดี', 'ครับ', 'วัน', 'นี้', 'อากาศ', 'ดี']);
  });
});

describe('joinWords', () => {
  it('joins words as the language writes them: spaces between spaced words only', () => {
    expect(joinWords(splitSentenceWords('今日は良い天気ですね。'))).toBe('今日は良い天気ですね。');
    expect(joinWords(splitSentenceWords('สวัสดีครับวันนี้อากาศดี'))).toBe('สวัสดีครับวันนี้อากาศดี');
    expect(joinWords(['Apple', 'の', 'iPhone', 'が', '発売', 'of', 'the', 'year'])).toBe('Apple の iPhone が発売 of the year');
  });
});

describe('breakUnits', () => {
  it('allows breaks after spaces and between words of spaceless scripts, never before punctuation or after an opening bracket', () => {
    expect(breakUnits('Breaking news: the city')).toEqual(['Breaking ', 'news: ', 'the ', 'city']);
    expect(breakUnits('東京タワーに行きましょう。「新しい」展示')).toEqual(['東京タワー', 'に', '行き', 'ま', 'しょう。', '「新しい」', '展示']);
    expect(breakUnits('مرحبا بكم في الأخبار')).toEqual(['مرحبا ', 'بكم ', 'في ', 'الأخبار']);
  });
});

describe('splitSentences', () => {
  it('ends Hindi sentences at the danda', () => {
    expect(splitSentences('आज बारिश हुई। कल धूप होगी।')).toEqual(['आज बारिश हुई।', 'कल धूप होगी।']);
  });
});
