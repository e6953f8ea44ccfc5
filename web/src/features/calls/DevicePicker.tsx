import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { CallSession } from './session';

type Kind = 'audioinput' | 'videoinput';

/** Microphone and camera choice, among the devices the browser lists (named once media was allowed). */
export function DevicePicker({
  session,
  onError,
}: {
  session: CallSession;
  onError: (error: unknown) => void;
}) {
  const { t } = useTranslation();
  const [devices, setDevices] = useState<MediaDeviceInfo[]>([]);
  useEffect(() => {
    const list = () => void navigator.mediaDevices.enumerateDevices().then(setDevices, onError);
    list();
    navigator.mediaDevices.addEventListener('devicechange', list);
    return () => navigator.mediaDevices.removeEventListener('devicechange', list);
  }, [onError]);
  const current = (kind: Kind) =>
    (kind === 'audioinput'
      ? session.local.getAudioTracks()
      : session.local.getVideoTracks())[0]?.getSettings().deviceId ?? '';
  const picker = (kind: Kind, label: string) => {
    const options = devices.filter((device) => device.kind === kind);
    return (
      <label className="field">
        {label}
        <select
          value={current(kind)}
          disabled={options.length < 2}
          onChange={(event) => void session.useDevice(kind, event.target.value).catch(onError)}
        >
          {options.map((device, index) => (
            <option key={device.deviceId} value={device.deviceId}>
              {device.label || `${label} ${index + 1}`}
            </option>
          ))}
        </select>
      </label>
    );
  };
  return (
    <details className="call-devices">
      <summary className="button">{t('calls.devices')}</summary>
      <div className="call-devices-menu">
        {picker('audioinput', t('calls.microphone'))}
        {picker('videoinput', t('calls.camera'))}
      </div>
    </details>
  );
}
