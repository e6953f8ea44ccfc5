import type { ReactNode } from 'react';
import { Element } from './Elements';
import { BlockImage, PlainText, SlackText } from './SlackText';
import type { Block, BlockElement, ImageElement, TextObject } from './types';
import './blocks.css';

const isImage = (element: { type: string }): element is ImageElement => element.type === 'image';

/** Text, its fields in two columns, and an accessory (a thumbnail or a control) beside them. */
function Section({ block }: { block: Block }) {
  const accessory = block.accessory;
  return (
    <div className="block-section">
      <div className="block-section-body">
        {block.text && <SlackText text={block.text} />}
        {block.fields && (
          <div className="block-fields">
            {block.fields.map((field, index) => (
              <div key={index} className="block-field">
                <SlackText text={field} />
              </div>
            ))}
          </div>
        )}
      </div>
      {accessory && (
        <div className="block-accessory">
          {isImage(accessory) ? (
            <BlockImage className="block-thumbnail" url={accessory.image_url} alt={accessory.alt_text} />
          ) : (
            <Element element={accessory} blockId={block.block_id} />
          )}
        </div>
      )}
    </div>
  );
}

function Header({ block }: { block: Block }) {
  return (
    <h3 className="block-header">
      <PlainText text={block.text?.text ?? ''} emoji={block.text?.emoji} />
    </h3>
  );
}

/** Small print: text and little images in one line. */
function Context({ block }: { block: Block }) {
  return (
    <div className="block-context">
      {(block.elements ?? []).map((element, index) =>
        isImage(element) ? (
          <BlockImage
            key={index}
            className="block-context-image"
            url={element.image_url}
            alt={element.alt_text}
          />
        ) : (
          <SlackText key={index} text={element as TextObject} />
        ),
      )}
    </div>
  );
}

function ImageBlock({ block }: { block: Block }) {
  return (
    <figure className="block-image">
      {block.title && (
        <figcaption>
          <PlainText text={block.title.text} emoji={block.title.emoji} />
        </figcaption>
      )}
      <BlockImage url={block.image_url ?? ''} alt={block.alt_text ?? ''} />
    </figure>
  );
}

function Actions({ block }: { block: Block }) {
  return (
    <div className="block-actions">
      {(block.elements ?? []).map((element, index) => (
        <Element key={index} element={element as BlockElement} blockId={block.block_id} />
      ))}
    </div>
  );
}

const BLOCKS: Record<string, (props: { block: Block }) => ReactNode> = {
  section: Section,
  header: Header,
  divider: () => <hr className="block-divider" />,
  context: Context,
  image: ImageBlock,
  actions: Actions,
};

/** A message's Block Kit blocks, in order; a type this client does not know is left out, as on Slack. */
export function Blocks({ blocks }: { blocks: Block[] }) {
  return (
    <div className="blocks">
      {blocks.map((block, index) => {
        const Shown = BLOCKS[block.type];
        // A block without a block_id is named by its position, as the server finds it for an action.
        return Shown ? (
          <Shown key={index} block={{ ...block, block_id: block.block_id ?? String(index) }} />
        ) : null;
      })}
    </div>
  );
}
