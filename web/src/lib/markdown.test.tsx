import { render, screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { loadShortcodes } from './emoji';
import { Markdown, MentionNamesContext } from './markdown';

describe('Markdown', () => {
  it('renders GitHub-flavoured markdown to elements', () => {
    const { container } = render(<Markdown text={'**bold** ~~gone~~\n\n| a |\n|---|\n| 1 |'} />);
    expect(container.querySelector('strong')).toHaveTextContent('bold');
    expect(container.querySelector('del')).toHaveTextContent('gone');
    expect(container.querySelector('table')).not.toBeNull();
  });

  it('drops raw HTML: no script, no event handler survives', () => {
    const { container } = render(
      <Markdown
        text={'<script>alert(1)</script><img src=x onerror="alert(2)"> and <b onclick="x()">b</b>'}
      />,
    );
    expect(container.querySelector('script')).toBeNull();
    expect(container.querySelector('[onerror], [onclick]')).toBeNull();
    expect(container.querySelector('b')).toBeNull();
  });

  it('keeps no javascript: link, in any spelling', () => {
    const { container } = render(
      <Markdown
        text={
          '[a](javascript:alert(1)) [b](JaVaScRiPt:alert(1)) [c](  javascript:alert(1)) [d](java&#x09;script:x) <javascript:alert(1)>'
        }
      />,
    );
    for (const link of container.querySelectorAll('a')) {
      expect(link.getAttribute('href') ?? '').not.toMatch(/^\s*java\s*script:/i);
    }
  });

  it('opens links in a new tab without opener or referrer', () => {
    render(<Markdown text="[site](https://example.com) and https://example.org" />);
    const links = screen.getAllByRole('link');
    expect(links).toHaveLength(2);
    for (const link of links) {
      expect(link).toHaveAttribute('rel', 'noopener noreferrer');
      expect(link).toHaveAttribute('target', '_blank');
    }
  });

  it('shows an image as a link, never loading it', () => {
    const { container } = render(<Markdown text="![cat](https://example.com/cat.png)" />);
    expect(container.querySelector('img')).toBeNull();
    expect(screen.getByRole('link', { name: 'cat' })).toHaveAttribute('href', 'https://example.com/cat.png');
  });

  it('shows emoji shortcodes as emoji in words, once the table has loaded; code keeps them as written', async () => {
    const text =
      'Deployed :tada: to **prod :rocket:**, see `:tada:` and :no_such_emoji_here:\n\n```\n:+1:\n```';
    const { container } = render(<Markdown text={text} />);
    await screen.findByText(/Deployed 🎉 to/);
    expect(container.querySelector('strong')).toHaveTextContent('prod 🚀');
    expect(container.querySelector('p code')).toHaveTextContent(':tada:');
    expect(container.querySelector('pre code')).toHaveTextContent(':+1:');
    expect(container).toHaveTextContent(':no_such_emoji_here:');
    // Drawn after the table has loaded: emoji at once.
    await loadShortcodes();
    const again = render(<Markdown text="Thanks :+1:" />);
    expect(again.container).toHaveTextContent('Thanks 👍');
  });

  it('shows `<@id>` mentions as highlighted names, the reader’s marked apart, and leaves code as written', () => {
    const ada = '0c2a7d8e-41f3-4b7c-8e0d-5a6b7c8d9e02';
    const grace = '6f1c1a52-36b1-4d5e-9a55-0b7f3c1f0a01';
    const names = { Ada: ada, Grace: grace };
    const nameOf = (id: string) => Object.entries(names).find(([, userId]) => userId === id)?.[0] ?? '?';
    const { container } = render(
      <MentionNamesContext.Provider value={{ nameOf, myId: grace }}>
        <Markdown text={`Hi <@${ada}> and **<@${grace.toUpperCase()}>**, see \`<@${ada}>\``} />
      </MentionNamesContext.Provider>,
    );
    const mentions = [...container.querySelectorAll('.mention')];
    expect(mentions.map((mention) => [mention.textContent, mention.className])).toEqual([
      ['@Ada', 'mention'],
      ['@Grace', 'mention mention-me'],
    ]);
    expect(container.querySelector('p')).toHaveTextContent(`Hi @Ada and @Grace, see <@${ada}>`);
  });
});
