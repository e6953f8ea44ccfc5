import { useQuery } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { api } from '../lib/api/client';

interface AvatarProps {
  userId: string;
  name: string;
  /** The member's `avatarUrl`: its version changes with each upload; null shows the initial. */
  url: string | null | undefined;
  size?: number;
  /** A post's own icon instead (an incoming webhook's `icon_url`, served by the server): that message's id. */
  iconOf?: string;
}

/**
 * A person's picture, or their initial without one. The image needs the bearer token, so it is fetched through
 * the API client and shown from an object URL (the CSP allows blob: images); it is decorative beside the name.
 */
export function Avatar({ userId, name, url, size = 32, iconOf }: AvatarProps) {
  const image = useQuery({
    queryKey: iconOf ? ['bot-icon', iconOf] : ['avatar', userId, url],
    enabled: Boolean(url || iconOf),
    // A URL names one version of the picture, and a post's icon never changes: neither goes stale.
    staleTime: Infinity,
    queryFn: async () => {
      const { data, response } = iconOf
        ? await api.GET('/api/v1/messages/{messageId}/bot-icon', {
            params: { path: { messageId: iconOf } },
            parseAs: 'blob',
          })
        : await api.GET('/api/v1/users/{userId}/avatar', {
            params: { path: { userId } },
            parseAs: 'blob',
          });
      if (!response.ok || !data) throw new Error(`avatar: ${response.status}`);
      return data;
    },
  });
  const [src, setSrc] = useState<string>();
  useEffect(() => {
    if (!image.data) return setSrc(undefined);
    const objectUrl = URL.createObjectURL(image.data);
    setSrc(objectUrl);
    return () => URL.revokeObjectURL(objectUrl);
  }, [image.data]);
  const style = { width: size, height: size, fontSize: size * 0.45 };
  if ((url || iconOf) && src) return <img className="avatar" src={src} alt="" style={style} />;
  return (
    <span className="avatar initial" aria-hidden="true" style={style}>
      {name.trim().charAt(0).toUpperCase()}
    </span>
  );
}
