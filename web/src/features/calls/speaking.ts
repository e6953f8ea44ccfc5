import { useEffect, useState } from 'react';

/** Loudness (RMS of the waveform, 0–1) above which a participant counts as speaking. */
const SPEAKING_LEVEL = 0.02;
const SAMPLE_MS = 200;

let context: AudioContext | undefined;

/** Whether the stream's audio is loud enough to be speech, sampled a few times a second. */
export function useSpeaking(stream: MediaStream | undefined, enabled = true): boolean {
  const [speaking, setSpeaking] = useState(false);
  const track = stream?.getAudioTracks()[0];
  useEffect(() => {
    if (!stream || !track || !enabled || typeof AudioContext === 'undefined') return;
    context ??= new AudioContext();
    void context.resume();
    const source = context.createMediaStreamSource(new MediaStream([track]));
    const analyser = context.createAnalyser();
    analyser.fftSize = 512;
    source.connect(analyser);
    const samples = new Float32Array(analyser.fftSize);
    const timer = setInterval(() => {
      analyser.getFloatTimeDomainData(samples);
      let sum = 0;
      for (const sample of samples) sum += sample * sample;
      setSpeaking(Math.sqrt(sum / samples.length) > SPEAKING_LEVEL);
    }, SAMPLE_MS);
    return () => {
      clearInterval(timer);
      source.disconnect();
      setSpeaking(false);
    };
  }, [stream, track, enabled]);
  return speaking && enabled;
}
