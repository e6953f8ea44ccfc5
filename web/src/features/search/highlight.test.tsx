import { render } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { Highlighted, searchTerms } from './highlight';

describe('searchTerms', () => {
  it('reads words as the websearch syntax does: quotes and OR are syntax, -word is left out', () => {
    expect(searchTerms('"quarterly budget" OR report -draft')).toEqual(['quarterly', 'budget', 'report']);
  });

  it('splits words at punctuation', () => {
    expect(searchTerms('budget, été')).toEqual(['budget', 'été']);
  });
});

describe('Highlighted', () => {
  it('marks every match, whatever its case, and renders markup in the text as text', () => {
    const { container } = render(
      <Highlighted text={'Budget <img src=x onerror="alert(1)"> <b>budget</b>'} terms={['budget']} />,
    );
    expect([...container.querySelectorAll('mark')].map((mark) => mark.textContent)).toEqual([
      'Budget',
      'budget',
    ]);
    expect(container.querySelector('img, b')).toBeNull();
    expect(container.textContent).toBe('Budget <img src=x onerror="alert(1)"> <b>budget</b>');
  });

  it('treats the words as text, not patterns', () => {
    const { container } = render(<Highlighted text="a.b and axb" terms={['a.b']} />);
    expect([...container.querySelectorAll('mark')].map((mark) => mark.textContent)).toEqual(['a.b']);
  });

  it('cuts a long text to an excerpt around its first match', () => {
    const text = `${'x '.repeat(400)}needle ${'y '.repeat(400)}`;
    const { container } = render(<Highlighted text={text} terms={['needle']} />);
    expect(container.textContent?.startsWith('…')).toBe(true);
    expect(container.textContent?.endsWith('…')).toBe(true);
    expect(container.textContent.length).toBeLessThan(330);
    expect(container.querySelector('mark')?.textContent).toBe('needle');
  });
});
