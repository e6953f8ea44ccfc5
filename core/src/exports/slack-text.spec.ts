import { convertSlackMarkup } from '../imports/slack-markup';
import { channelSlackId, slackId } from '../slack/slack-ids';
import { toSlackText } from './slack-text';

const ALICE = '0190f1a4-1111-7000-8000-000000000001';
const GENERAL = '0190f1a4-2222-7000-8000-000000000002';
const WORKSPACE = '0190f1a4-3333-7000-8000-000000000003';

describe('toSlackText', () => {
  const channels = new Map([[GENERAL, { kind: 'public' }]]);

  it('writes mentions as <@U…> and links to exported channels as <#C…|name>', () => {
    expect(toSlackText(`hi <@${ALICE}>, see [#general](/w/${WORKSPACE}/c/${GENERAL})`, channels)).toBe(
      `hi <@${slackId('U', ALICE)}>, see <#${channelSlackId({ id: GENERAL, kind: 'public' })}|general>`,
    );
  });

  it('escapes &, < and > as entities, and leaves links to channels not exported as markdown', () => {
    const other = '0190f1a4-4444-7000-8000-000000000004';
    expect(toSlackText(`a < b && c > d [#x](/w/${WORKSPACE}/c/${other})`, channels)).toBe(
      `a &lt; b &amp;&amp; c &gt; d [#x](/w/${WORKSPACE}/c/${other})`,
    );
  });

  it('reads back through the importer as the same text', () => {
    const text = `<@${ALICE}> said 1 < 2 & 3 > 2 in [#general](/w/${WORKSPACE}/c/${GENERAL}) **bold** <https://x.test>`;
    const back = convertSlackMarkup(toSlackText(text, channels), {
      userId: (id) => (id === slackId('U', ALICE) ? ALICE : undefined),
      channel: (id) =>
        id === channelSlackId({ id: GENERAL, kind: 'public' }) ? { id: GENERAL, name: 'general' } : undefined,
      channelPath: (id) => `/w/${WORKSPACE}/c/${id}`,
    });
    expect(back).toEqual({ text, mentions: [ALICE] });
  });
});
