import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { MemoryRouter } from 'react-router';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { api } from '../../lib/api/client';
import { MessageContent } from './MessageContent';
import type { Attachment, Block, BlockAction } from './types';

const GENERAL = '0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a6c';
const ADA = '0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b';
const image = (url: string) => `https://img.example/${url}.png`;

/** The API as the blocks ask it: the workspace's channels, and each image (whose URLs are recorded). */
const imageUrls: string[] = [];
beforeEach(() => {
  imageUrls.length = 0;
  URL.createObjectURL = vi.fn(() => 'blob:block-image');
  URL.revokeObjectURL = vi.fn();
  vi.spyOn(api, 'GET').mockImplementation(((path: string, init: { params: { query?: { url?: string } } }) => {
    const response = new Response(null, { status: 200 });
    if (path === '/api/v1/messages/{messageId}/images') {
      const url = init.params.query?.url ?? '';
      imageUrls.push(url);
      if (url.endsWith('/gone.png'))
        return Promise.resolve({ response: new Response(null, { status: 404 }) });
      return Promise.resolve({ data: new Blob(['webp']), response });
    }
    return Promise.resolve({
      data: { items: [{ id: GENERAL, name: 'general' }], nextCursor: null },
      response,
    });
  }) as never);
});
afterEach(() => vi.restoreAllMocks());

function show(
  content: { text?: string; blocks?: Block[]; attachments?: Attachment[] },
  onAction?: (action: BlockAction) => Promise<void>,
) {
  const message = { id: 'm1', workspaceId: 'w1', text: content.text ?? '', ...content };
  return render(
    <QueryClientProvider client={new QueryClient()}>
      <MemoryRouter>
        <MessageContent
          message={message}
          nameOf={(id) => (id === ADA ? 'Ada' : 'Someone')}
          onAction={onAction}
        >
          <p>the text</p>
        </MessageContent>
      </MemoryRouter>
    </QueryClientProvider>,
  ).container;
}

const mrkdwn = (text: string) => ({ type: 'mrkdwn' as const, text });
const plain = (text: string, emoji?: boolean) => ({ type: 'plain_text' as const, text, emoji });

describe('MessageContent', () => {
  it('shows the text alone when there are no blocks or attachments', () => {
    show({ text: 'hello' });
    expect(screen.getByText('the text')).toBeInTheDocument();
  });

  it('shows blocks instead of the text (only a fallback then), as Slack does', () => {
    show({ text: 'Deploy finished', blocks: [{ type: 'section', text: mrkdwn('*Deploy* finished') }] });
    expect(screen.queryByText('the text')).toBeNull();
    expect(screen.getByText('Deploy', { selector: 'strong' })).toBeInTheDocument();
  });

  it('renders a section with its fields and an image accessory, fetched through the server', async () => {
    const container = show({
      blocks: [
        {
          type: 'section',
          text: mrkdwn('Build *42*'),
          fields: [mrkdwn('*Branch*\nmain'), plain('Status: ok :tada:', true)],
          accessory: { type: 'image', image_url: image('logo'), alt_text: 'CI logo' },
        },
      ],
    });
    const fields = container.querySelectorAll('.block-field');
    expect(fields).toHaveLength(2);
    expect(fields[0]).toHaveTextContent('Branch main');
    await waitFor(() => expect(fields[1]).toHaveTextContent('Status: ok 🎉'));
    expect(await screen.findByAltText('CI logo')).toHaveAttribute('src', 'blob:block-image');
    expect(imageUrls).toEqual([image('logo')]);
  });

  it("shows an image's alt text, saying it is unavailable, when the server cannot serve it", async () => {
    show({ blocks: [{ type: 'image', image_url: image('gone'), alt_text: 'Old chart' }] });
    expect(await screen.findByText('Image unavailable: Old chart')).toBeInTheDocument();
    expect(screen.getByRole('img', { name: 'Old chart' })).not.toHaveAttribute('src');
  });

  it('renders header, divider, context and image blocks', async () => {
    show({
      blocks: [
        { type: 'header', text: plain('Weekly report') },
        { type: 'divider' },
        {
          type: 'context',
          elements: [{ type: 'image', image_url: image('avatar'), alt_text: 'Grace' }, mrkdwn('by _Grace_')],
        },
        { type: 'image', image_url: image('chart'), alt_text: 'Sales chart', title: plain('Sales') },
      ],
    });
    expect(screen.getByRole('heading', { name: 'Weekly report' })).toBeInTheDocument();
    expect(screen.getByRole('separator')).toBeInTheDocument();
    expect(screen.getByText('Grace', { selector: 'em' })).toBeInTheDocument();
    const figure = screen.getByRole('figure');
    expect(within(figure).getByText('Sales')).toBeInTheDocument();
    expect(await within(figure).findByAltText('Sales chart')).toHaveAttribute('src', 'blob:block-image');
    expect(await screen.findByAltText('Grace')).toHaveAttribute('src', 'blob:block-image');
  });

  it('shows every interactive element disabled, saying why, when no app answers', async () => {
    show({
      blocks: [
        {
          type: 'actions',
          elements: [
            { type: 'button', text: plain('Approve'), style: 'primary', value: 'yes', action_id: 'approve' },
            { type: 'button', text: plain('Reject'), style: 'danger' },
            { type: 'button', text: plain('Open'), url: 'https://ci.example/42' },
            {
              type: 'static_select',
              placeholder: plain('Pick an env'),
              options: [{ text: plain('Staging'), value: 'staging' }],
              option_groups: [{ label: plain('Prod'), options: [{ text: plain('EU'), value: 'eu' }] }],
            },
            { type: 'overflow', options: [{ text: plain('Rerun'), value: 'rerun' }] },
            { type: 'datepicker', initial_date: '2026-12-03', placeholder: plain('Due date') },
            { type: 'users_select', placeholder: plain('Assignee') },
            { type: 'conversations_select', initial_conversation: GENERAL },
          ],
        },
      ],
    });
    const approve = screen.getByRole('button', { name: 'Approve' });
    expect(approve).toBeDisabled();
    expect(approve).toHaveClass('primary');
    expect(approve).toHaveAttribute('title', expect.stringMatching(/not connected/));
    expect(screen.getByRole('button', { name: 'Reject' })).toHaveClass('danger');
    expect(screen.getByRole('link', { name: 'Open' })).toHaveAttribute('href', 'https://ci.example/42');
    const select = screen.getByRole('combobox', { name: 'Pick an env' });
    expect(select).toBeDisabled();
    expect(within(select).getByRole('option', { name: 'EU' })).toBeInTheDocument();
    expect(screen.getByRole('combobox', { name: 'More options' })).toBeDisabled();
    expect(screen.getByLabelText('Due date')).toHaveValue('2026-12-03');
    expect(screen.getByRole('combobox', { name: 'Assignee' })).toBeDisabled();
    const conversation = screen.getByRole('combobox', { name: 'Choose a conversation' });
    await waitFor(() => expect(conversation).toHaveDisplayValue('#general'));
  });

  it('reports a click or a choice through the one onAction prop when an app is connected', () => {
    const onAction = vi.fn(() => Promise.resolve());
    show(
      {
        blocks: [
          {
            type: 'actions',
            block_id: 'b1',
            elements: [
              { type: 'button', text: plain('Approve'), value: 'yes', action_id: 'approve' },
              {
                type: 'static_select',
                action_id: 'env',
                options: [{ text: plain('Staging'), value: 'staging' }],
              },
            ],
          },
        ],
      },
      onAction,
    );
    fireEvent.click(screen.getByRole('button', { name: 'Approve' }));
    fireEvent.change(screen.getByRole('combobox', { name: 'Choose an option' }), {
      target: { value: 'staging' },
    });
    expect(onAction.mock.calls).toEqual([
      [{ type: 'button', blockId: 'b1', actionId: 'approve', value: 'yes' }],
      [{ type: 'static_select', blockId: 'b1', actionId: 'env', value: 'staging' }],
    ]);
  });

  it('renders attachments: colour bar, pretext, author, linked title, text, fields, pictures, footer', async () => {
    const attachment: Attachment = {
      color: 'danger',
      pretext: 'Alert from _prod_',
      author_name: 'Monitor',
      author_link: 'https://monitor.example',
      author_icon: image('monitor'),
      title: 'CPU high',
      title_link: 'https://monitor.example/cpu',
      text: 'CPU at *97%*',
      fields: [
        { title: 'Host', value: 'web-1', short: true },
        { title: 'Region', value: 'eu', short: true },
        { title: 'Details', value: 'Long text', short: false },
      ],
      image_url: image('graph'),
      thumb_url: image('thumb'),
      footer: 'Monitor v2',
    };
    const container = show({ text: 'CPU high', attachments: [attachment] });
    expect(screen.getByText('the text')).toBeInTheDocument();
    const bar = container.querySelector<HTMLElement>('.slack-attachment');
    expect(bar?.style.getPropertyValue('--attachment-color')).toBe('#e01e5a');
    expect(screen.getByText('prod', { selector: 'em' })).toBeInTheDocument();
    expect(screen.getByRole('link', { name: 'Monitor' })).toHaveAttribute('href', 'https://monitor.example');
    expect(screen.getByRole('link', { name: 'CPU high' })).toHaveAttribute(
      'href',
      'https://monitor.example/cpu',
    );
    expect(screen.getByText('97%', { selector: 'strong' })).toBeInTheDocument();
    const fields = container.querySelectorAll('.slack-attachment-field');
    expect([...fields].map((field) => [field.textContent, field.classList.contains('short')])).toEqual([
      ['Hostweb-1', true],
      ['Regioneu', true],
      ['DetailsLong text', false],
    ]);
    expect(screen.getByText('Monitor v2')).toBeInTheDocument();
    await waitFor(() => expect(imageUrls.sort()).toEqual([image('graph'), image('monitor'), image('thumb')]));
  });

  it('does not repeat text the server derived from attachments alone, and honours mrkdwn_in', () => {
    show({
      text: 'Fallback words',
      attachments: [
        { fallback: 'Fallback words', text: '*not bold*', mrkdwn_in: ['pretext'], color: '#36a64f' },
      ],
    });
    expect(screen.queryByText('the text')).toBeNull();
    expect(screen.getByText('*not bold*')).toBeInTheDocument();
  });
});
