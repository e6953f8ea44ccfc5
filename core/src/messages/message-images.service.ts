import { Injectable } from '@nestjs/common';
import { notFound } from '../common/problem';
import { toBoundedImage } from '../profiles/avatar-image';
import { imageUrls } from '../slack/block-kit';
import { MessagesService } from './messages.service';
import { RemoteImages } from './remote-images';
import type { ImageEncoding } from './remote-images';

/** Block pictures are shown at most 360 px wide and high: twice that, for sharp screens. */
const BLOCK_IMAGE: ImageEncoding = {
  name: 'block-image',
  maxInputBytes: 5 * 1024 * 1024,
  encode: (content) => toBoundedImage(content, 720, 720),
};

/** The pictures Block Kit blocks and attachments name by URL, served to the message's readers. */
@Injectable()
export class MessageImagesService {
  constructor(
    private readonly messages: MessagesService,
    private readonly images: RemoteImages,
  ) {}

  /**
   * One of the message's images, re-encoded as WebP. Only URLs the message itself shows are fetched (the route
   * is no open proxy); 404 for any other, and for one that is unreachable or no image.
   */
  async image(messageId: string, userId: string, url: string): Promise<Buffer> {
    const message = await this.messages.get(messageId, userId);
    const shown = imageUrls(message);
    const image = shown.has(url) ? await this.images.get(url, BLOCK_IMAGE) : null;
    if (!image) throw notFound('Image');
    return image;
  }
}
