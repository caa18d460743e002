import type { LanguageScriptTemplates } from './script-templates';

/** English: a template set for each genre family. */
export const englishScriptTemplates: LanguageScriptTemplates = {
  lang: 'en',
  fallbackTopic: { news: 'the story of the day', explainer: 'an everyday mystery', story: 'an unlikely journey', motivation: 'a fresh start' },
  genres: {
    news: {
      headlines: ['Breaking: {topic}', '{Topic}: what we know so far', 'Why {topic} matters today', 'The story behind {topic}'],
      open: [
        "Today's top story: {topic}.",
        'Here is what happened with {topic}.',
        'It started quietly, but {topic} quickly made headlines.',
        'Everyone is talking about {topic}, and here is why.',
        'One story stands out today: {topic}.',
      ],
      develop: [
        'The key detail is {keyword}, and it changes the picture.',
        'People on the ground call it a turning point.',
        'The numbers behind it are bigger than most expected.',
        'Officials are still working out what comes next.',
        'Critics and supporters agree on one thing: it matters.',
        'Look closer at {keyword} and the story gets sharper.',
      ],
      close: [
        'What happens next will be watched closely.',
        'Follow for the next update on this story.',
        'One thing is clear: this story is not over.',
        'Tell us in the comments what you make of it.',
        'Stay tuned, because the next chapter is coming soon.',
      ],
      footage: ['city skyline', 'newsroom', 'busy street', 'press conference'],
    },
    explainer: {
      headlines: ['{Topic}, explained in seconds', 'How {topic} really works', 'Three things to know about {topic}', 'The surprising truth about {topic}'],
      open: [
        'Ever wondered about {topic}?',
        'Here is {topic}, explained simply.',
        'Most people get {topic} wrong.',
        "Let's break down {topic} in under a minute.",
        '{Topic} is simpler than it looks.',
      ],
      develop: [
        'It all comes down to {keyword}.',
        'Think of it as a chain reaction that starts small.',
        'The clever part is how {keyword} fits in.',
        'Researchers have studied this for years.',
        'Once you see the pattern, you cannot unsee it.',
        'Here is the part most explanations skip.',
      ],
      close: [
        'Now you know more than most people.',
        'Share this with someone who would love it.',
        'Follow for more quick explainers.',
        'Next time you see it, you will know why.',
        'Save this for later.',
      ],
      footage: ['science lab', 'technology closeup', 'nature timelapse', 'city aerial'],
    },
    story: {
      headlines: ['The untold story of {topic}', '{Topic}: how it all began', 'Nobody expected {topic}', 'A story about {topic}'],
      open: [
        'This is the story of {topic}.',
        'Nobody saw {topic} coming.',
        'It began on an ordinary day, with {topic}.',
        'Long before anyone noticed, there was {topic}.',
        'Picture this: {topic}.',
      ],
      develop: [
        'Then everything changed, because of {keyword}.',
        'Each step raised the stakes a little higher.',
        'Those who were there still remember the moment.',
        'The turning point came from an unlikely place.',
        'What happened next surprised everyone.',
        'At the center of it all was {keyword}.',
      ],
      close: [
        'And that is how it ended, for now.',
        'Some stories never really finish.',
        'Remember this the next time you hear about it.',
        'Follow for part two.',
        'Would you have done the same?',
      ],
      footage: ['old town street', 'sunset landscape', 'people walking', 'vintage film'],
    },
    motivation: {
      headlines: ['What {topic} can teach you', '{Topic}: start today', 'The mindset behind {topic}', 'Why {topic} is worth it'],
      open: [
        "Let's talk about {topic}.",
        '{Topic} is closer than you think.',
        'If {topic} feels out of reach, listen.',
        'Every big change starts with {topic}.',
        'Today is a good day for {topic}.',
      ],
      develop: [
        'Small steps add up faster than you expect.',
        'Focus on {keyword} and ignore the noise.',
        'Nobody starts out ready.',
        'Consistency beats talent when talent does not show up.',
        'The hardest part is the first minute.',
        'Make {keyword} part of your day.',
      ],
      close: [
        'Start now, not tomorrow.',
        'You have got this.',
        'Follow for your daily push.',
        'Share this with someone who needs it.',
        'Your future self will thank you.',
      ],
      footage: ['sunrise mountain', 'running athlete', 'city morning', 'ocean waves'],
    },
  },
};
