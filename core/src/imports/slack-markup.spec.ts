import { convertSlackMarkup, MarkupTargets } from './slack-markup';

const targets: MarkupTargets = {
  userId: (slackId) => ({ U1: 'u-one', U2: 'u-two' })[slackId],
  channel: (slackId) => (slackId === 'C1' ? { id: 'c-one', name: 'general' } : undefined),
  channelPath: (channelId) => `/c/${channelId}`,
};
const convert = (text: string) => convertSlackMarkup(text, targets);

describe('convertSlackMarkup', () => {
  it('turns user mentions into ours, and names the people it does not know', () => {
    expect(convert('hi <@U1>, <@U2|bob> and <@U9|zed> <@U1>')).toEqual({
      text: 'hi <@u-one>, <@u-two> and @zed <@u-one>',
      mentions: ['u-one', 'u-two'],
    });
  });

  it('links channels it knows, and names those it does not', () => {
    expect(convert('see <#C1|old-name> and <#C9|elsewhere>').text).toBe(
      'see [#general](/c/c-one) and #elsewhere',
    );
  });

  it('turns links into markdown, keeping only web, mail and phone links', () => {
    expect(
      convert('<https://a.example/x?y=1&amp;z=2|the [docs]> <https://b.example> <mailto:a@b.c|mail me>').text,
    ).toBe('[the \\[docs\\]](https://a.example/x?y=1&z=2) <https://b.example> [mail me](mailto:a@b.c)');
    expect(convert('<javascript:alert(1)|click>').text).toBe('click');
  });

  it('writes broadcasts as words, and special mentions as their fallback', () => {
    expect(
      convert('<!here> <!channel> <!everyone> <!subteam^S1|@devs> <!date^1392734382^{date}|Feb 18>').text,
    ).toBe('@here @channel @everyone @devs Feb 18');
  });

  it('decodes the entities Slack escapes', () => {
    expect(convert('a &lt; b &amp;&amp; c &gt; d').text).toBe('a < b && c > d');
  });
});
