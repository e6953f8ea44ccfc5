import { render } from '@testing-library/react';
import { MemoryRouter } from 'react-router';
import { describe, expect, it } from 'vitest';
import { Markdown } from '../../lib/markdown';
import { mrkdwnToMarkdown, type MrkdwnContext } from './mrkdwn';
import { uuidOfSlackId } from './slack-ids';

const ADA = '0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b';
const GENERAL = '0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a6c';
/** The server's Slack ids for them (core/src/slack/slack-ids.ts: a kind letter, the UUID in base 32). */
const ADA_U = 'U01I2GR5GUKFPFOL6OC3KN3UIIR';
const GENERAL_C = 'C01I2GR5GUKFPFOL6OC3KN3UIJC';

const context: MrkdwnContext = {
  workspaceId: 'w1',
  nameOf: (userId) => (userId === ADA ? 'Ada Lovelace' : 'Someone'),
  channelName: (channelId) => (channelId === GENERAL ? 'general' : undefined),
  shortcodes: new Map([['tada', '🎉']]),
};

function show(mrkdwn: string) {
  return render(
    <MemoryRouter>
      <Markdown text={mrkdwnToMarkdown(mrkdwn, context)} />
    </MemoryRouter>,
  ).container;
}

describe('uuidOfSlackId', () => {
  it("reads the server's ids back, of the kinds asked for only", () => {
    expect(uuidOfSlackId(ADA_U, 'UWB')).toBe(ADA);
    expect(uuidOfSlackId(GENERAL_C, 'CGD')).toBe(GENERAL);
    expect(uuidOfSlackId(GENERAL_C, 'UWB')).toBeUndefined();
    expect(uuidOfSlackId('U024BE7LH', 'UWB')).toBeUndefined();
    expect(uuidOfSlackId(ADA.toUpperCase(), 'UWB')).toBe(ADA);
  });
});

describe('mrkdwn', () => {
  it('renders bold, italic, strike, code and code blocks', () => {
    const shown = show('*bold* _italic_ ~gone~ `a *b* <c>`\n```\nconst x = 1 < 2;\n*not bold*\n```');
    expect(shown.querySelector('strong')).toHaveTextContent('bold');
    expect(shown.querySelector('em')).toHaveTextContent('italic');
    expect(shown.querySelector('del')).toHaveTextContent('gone');
    expect(shown.querySelector('p code')).toHaveTextContent('a *b* <c>');
    expect(shown.querySelector('pre code')).toHaveTextContent('const x = 1 < 2; *not bold*');
    expect(shown.querySelectorAll('strong')).toHaveLength(1);
  });

  it('leaves markers inside words and markdown that mrkdwn does not have as typed', () => {
    const shown = show('snake_case_name 2*3*4 # not a heading\n- not a list\n[not](https://a.link) **x**');
    expect(shown.querySelector('em, strong, h1, ul')).toBeNull();
    // A bare web address is a link, as Slack shows it; markdown's [label](url) is not.
    expect([...shown.querySelectorAll('a')].map((link) => link.textContent)).toEqual(['https://a.link']);
    expect(shown).toHaveTextContent('snake_case_name 2*3*4 # not a heading');
    expect(shown).toHaveTextContent('- not a list');
    expect(shown).toHaveTextContent('[not](https://a.link) **x**');
  });

  it('keeps line breaks and quotes lines that start with >', () => {
    const shown = show('first\nsecond\n&gt; quoted\nafter');
    expect(shown.querySelectorAll('br').length).toBeGreaterThanOrEqual(1);
    expect(shown.querySelector('blockquote')).toHaveTextContent('quoted');
    expect(shown.querySelector('blockquote')).not.toHaveTextContent('after');
  });

  it('turns <url|label> and <url> into safe links', () => {
    const shown = show(
      '<https://example.com/a?b=1&amp;c=2|the site> and <https://example.org> <mailto:a@b.c|mail>',
    );
    const links = [...shown.querySelectorAll('a')];
    expect(links.map((link) => [link.textContent, link.getAttribute('href')])).toEqual([
      ['the site', 'https://example.com/a?b=1&c=2'],
      ['https://example.org', 'https://example.org'],
      ['mail', 'mailto:a@b.c'],
    ]);
    expect(links[0]).toHaveAttribute('rel', 'noopener noreferrer');
  });

  it('shows user mentions by name and channels as links into the workspace', () => {
    const shown = show(`hi <@${ADA_U}>, see <#${GENERAL_C}> and <#C0UNKNOWN|random> <!here>`);
    expect(shown).toHaveTextContent('hi @Ada Lovelace, see #general and #random @here');
    const channel = shown.querySelector('a');
    expect(channel).toHaveTextContent('#general');
    expect(channel).toHaveAttribute('href', `/w/w1/c/${GENERAL}`);
    expect(shown.querySelectorAll('a')).toHaveLength(1);
  });

  it('decodes entities to text and replaces emoji shortcodes', () => {
    const shown = show('1 &lt; 2 &amp;&amp; 3 &gt; 2 :tada: :unknown:');
    expect(shown).toHaveTextContent('1 < 2 && 3 > 2 🎉 :unknown:');
  });

  it('renders attempted HTML and script injection inert, as text', () => {
    const attempts =
      '<script>alert(1)</script> &lt;img src=x onerror=alert(2)&gt; <b onclick="x()">b</b> ' +
      '*<img src=x onerror=alert(3)>* `<script>` ```<iframe src="https://evil">```';
    const shown = show(attempts);
    expect(shown.querySelector('script, img, iframe, b, [onerror], [onclick]')).toBeNull();
    expect(shown).toHaveTextContent('<script>alert(1)</script> <img src=x onerror=alert(2)>');
    expect(shown.querySelector('pre code')).toHaveTextContent('<iframe src="https://evil">');
  });

  it('makes no link of javascript:, data: or other schemes, in any spelling', () => {
    const shown = show(
      '<javascript:alert(1)|click> <JaVaScRiPt:alert(1)> <data:text/html,<b>x</b>|d> <vbscript:x|v> ' +
        '<https://ok.example/"onmouseover="x|fine> [x](javascript:alert(1)) <java\tscript:alert(1)|tab>',
    );
    for (const link of shown.querySelectorAll('a')) {
      expect(link.getAttribute('href') ?? '').toMatch(/^https:\/\/ok\.example\//);
    }
    expect(shown).toHaveTextContent('click');
    expect(shown.querySelector('[onmouseover]')).toBeNull();
  });
});
