import { describe, expect, it } from 'vitest';
import { showMentions, toWireMentions } from './mentions';

const ann = { id: '6f1c1a52-36b1-4d5e-9a55-0b7f3c1f0a01', name: 'Ann' };
const annLee = { id: '0c2a7d8e-41f3-4b7c-8e0d-5a6b7c8d9e02', name: 'Ann Lee' };

describe('mentions', () => {
  it('sends picked names as <@id>, the longer name first, and leaves other @words alone', () => {
    expect(toWireMentions('@Ann Lee and @Ann, cc @Annabel @here', [ann, annLee])).toBe(
      `<@${annLee.id}> and <@${ann.id}>, cc @Annabel @here`,
    );
  });

  it('shows <@id> as @name, and round-trips', () => {
    const names = new Map([ann, annLee].map(({ id, name }) => [id, name]));
    const wire = `hi <@${annLee.id}> and <@${ann.id.toUpperCase()}>`;
    const shown = showMentions(wire, (id) => names.get(id) ?? '?');
    expect(shown).toBe('hi @Ann Lee and @Ann');
    expect(toWireMentions(shown, [ann, annLee])).toBe(`hi <@${annLee.id}> and <@${ann.id}>`);
  });
});
