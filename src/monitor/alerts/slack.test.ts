import { slackText } from './slack';

test('slackText escapes &, <, > the Slack way and breaks bare mentions', () => {
  expect(slackText('a & b <!channel> <@U123> <https://x|y>')).toBe('a &amp; b &lt;!channel&gt; &lt;@U123&gt; &lt;https://x|y&gt;');
  expect(slackText('ping @channel @HERE @everyone, not @channels')).toBe('ping @\u200Bchannel @\u200BHERE @\u200Beveryone, not @channels');
  expect(slackText('line\nbreak\u202e')).toBe('line break');
});
