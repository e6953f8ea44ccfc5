import type { CSSProperties } from 'react';
import { Blocks } from './Blocks';
import { decodeEntities } from './mrkdwn';
import { BlockImage, Mrkdwn } from './SlackText';
import type { Attachment } from './types';

/** Slack's named colours, and any `#rrggbb` (the server admits no other value). */
const NAMED_COLORS: Record<string, string> = { good: '#2eb67d', warning: '#ecb22e', danger: '#e01e5a' };

function barColor(color: string | undefined): string | undefined {
  if (!color) return undefined;
  if (NAMED_COLORS[color]) return NAMED_COLORS[color];
  return /^#?[0-9a-f]{6}$/i.test(color) ? `#${color.replace('#', '')}` : undefined;
}

/**
 * An attachment's text: mrkdwn when `mrkdwn_in` names the field (or when it is absent, as most senders
 * expect), else as typed.
 */
function AttachmentText({
  attachment,
  field,
  text,
}: {
  attachment: Attachment;
  field: 'pretext' | 'text' | 'fields';
  text: string;
}) {
  const formatted = !attachment.mrkdwn_in || attachment.mrkdwn_in.includes(field);
  return formatted ? <Mrkdwn text={text} /> : <span className="plain-text">{decodeEntities(text)}</span>;
}

function Link({ href, children }: { href?: string; children: string }) {
  return href && /^https?:\/\//i.test(href) ? (
    <a href={href} target="_blank" rel="noopener noreferrer">
      {children}
    </a>
  ) : (
    <>{children}</>
  );
}

function AttachmentItem({ attachment }: { attachment: Attachment }) {
  const color = barColor(attachment.color);
  const style = color ? ({ '--attachment-color': color } as CSSProperties) : undefined;
  return (
    <div className="slack-attachment-item">
      {attachment.pretext && (
        <AttachmentText attachment={attachment} field="pretext" text={attachment.pretext} />
      )}
      <div className="slack-attachment" style={style}>
        <div className="slack-attachment-body">
          {attachment.author_name && (
            <div className="slack-attachment-author">
              {attachment.author_icon && (
                <BlockImage className="slack-attachment-author-icon" url={attachment.author_icon} alt="" />
              )}
              <Link href={attachment.author_link}>{attachment.author_name}</Link>
            </div>
          )}
          {attachment.title && (
            <div className="slack-attachment-title">
              <Link href={attachment.title_link}>{decodeEntities(attachment.title)}</Link>
            </div>
          )}
          {attachment.text && <AttachmentText attachment={attachment} field="text" text={attachment.text} />}
          {attachment.fields && attachment.fields.length > 0 && (
            <div className="slack-attachment-fields">
              {attachment.fields.map((field, index) => (
                <div key={index} className={`slack-attachment-field${field.short ? ' short' : ''}`}>
                  {field.title && (
                    <div className="slack-attachment-field-title">{decodeEntities(field.title)}</div>
                  )}
                  {field.value && (
                    <AttachmentText attachment={attachment} field="fields" text={field.value} />
                  )}
                </div>
              ))}
            </div>
          )}
          {attachment.blocks && <Blocks blocks={attachment.blocks} />}
          {attachment.image_url && (
            <BlockImage
              className="slack-attachment-image"
              url={attachment.image_url}
              alt={attachment.title ?? ''}
            />
          )}
          {attachment.footer && (
            <div className="slack-attachment-footer">{decodeEntities(attachment.footer)}</div>
          )}
        </div>
        {attachment.thumb_url && (
          <BlockImage
            className="slack-attachment-thumb"
            url={attachment.thumb_url}
            alt={attachment.title ?? ''}
          />
        )}
      </div>
    </div>
  );
}

/** Slack's legacy attachments: a coloured bar beside each one's author, title, text, fields and pictures. */
export function Attachments({ attachments }: { attachments: Attachment[] }) {
  return (
    <div className="slack-attachments">
      {attachments.map((attachment, index) => (
        <AttachmentItem key={index} attachment={attachment} />
      ))}
    </div>
  );
}
