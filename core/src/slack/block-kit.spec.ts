import { ProblemException } from '../common/problem';
import { assertRichContent, fallbackText } from './block-kit';

function refusal(content: object): { path: string; message: string }[] {
  try {
    assertRichContent(content);
  } catch (error) {
    return (error as ProblemException).errors ?? [];
  }
  throw new Error('accepted');
}

describe('Block Kit', () => {
  const blocks = [
    { type: 'header', text: { type: 'plain_text', text: 'Deploy' } },
    {
      type: 'section',
      text: { type: 'mrkdwn', text: '*v1.2* is ready' },
      fields: [{ type: 'mrkdwn', text: 'env: prod' }],
      accessory: { type: 'datepicker', action_id: 'when', initial_date: '2026-01-31' },
    },
    { type: 'divider' },
    { type: 'context', elements: [{ type: 'mrkdwn', text: 'by CI' }] },
    { type: 'image', image_url: 'https://example.test/a.png', alt_text: 'graph' },
    {
      type: 'actions',
      block_id: 'decide',
      elements: [
        {
          type: 'button',
          text: { type: 'plain_text', text: 'Approve' },
          action_id: 'approve',
          style: 'primary',
        },
        {
          type: 'static_select',
          action_id: 'pick',
          options: [{ text: { type: 'plain_text', text: 'One' }, value: '1' }],
        },
        { type: 'users_select', action_id: 'who' },
        { type: 'conversations_select', action_id: 'where' },
        { type: 'overflow', options: [{ text: { type: 'plain_text', text: 'More' }, value: 'more' }] },
      ],
    },
  ];

  it('accepts the supported blocks and elements', () => {
    expect(() => assertRichContent({ blocks })).not.toThrow();
    expect(() =>
      assertRichContent({
        attachments: [{ color: 'good', title: 'Build', fields: [{ title: 'a', value: 'b' }] }],
      }),
    ).not.toThrow();
  });

  it('refuses unknown block and element types at their path', () => {
    expect(refusal({ blocks: [{ type: 'divider' }, { type: 'rich_text', elements: [] }] })).toEqual([
      expect.objectContaining({ path: 'blocks/1/type' }),
    ]);
    const inActions = refusal({
      blocks: [{ type: 'actions', elements: [{ type: 'timepicker', action_id: 't' }] }],
    });
    expect(inActions).toEqual([expect.objectContaining({ path: 'blocks/0/elements/0/type' })]);
  });

  it('refuses a known block with a missing or misplaced field, naming it', () => {
    expect(refusal({ blocks: [{ type: 'header', text: { type: 'mrkdwn', text: 'x' } }] })).toContainEqual(
      expect.objectContaining({ path: 'blocks/0/text/type' }),
    );
    expect(refusal({ blocks: [{ type: 'image', image_url: 'https://example.test/a.png' }] })).toContainEqual({
      path: 'blocks/0/alt_text',
      message: 'is required',
    });
    expect(refusal({ attachments: [{ colour: 'red' }] })).toContainEqual({
      path: 'attachments/0/colour',
      message: 'is not a known field',
    });
  });

  it('falls back to the blocks’ words, else the attachments’ fallback or their texts', () => {
    expect(fallbackText({ blocks })).toBe('Deploy\n*v1.2* is ready\nenv: prod\nby CI');
    expect(fallbackText({ attachments: [{ fallback: 'Build passed', text: 'long' }] })).toBe('Build passed');
    expect(fallbackText({ attachments: [{ pretext: 'CI', title: 'Build', text: 'passed' }] })).toBe(
      'CI\nBuild\npassed',
    );
    expect(fallbackText({ blocks: [{ type: 'divider' }] })).toBe('');
  });
});
