import { useState, type DragEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { ErrorNote } from '../../../components/ErrorNote';
import { ApiError } from '../../../lib/api/client';
import { useUploadPlugin } from '../api';

/** A built plugin's two files, plugin.json and plugin.js, read from what was dropped or chosen. */
async function readBundle(files: File[]) {
  const manifestFile = files.find((file) => file.name.endsWith('.json'));
  const codeFile = files.find((file) => file.name.endsWith('.js'));
  if (!manifestFile || !codeFile) return undefined;
  return {
    manifest: JSON.parse(await manifestFile.text()) as Record<string, unknown>,
    code: await codeFile.text(),
  };
}

/** Instance admins add a plugin to the catalogue by dropping its built files here (or choosing them). */
export function PluginUpload() {
  const { t } = useTranslation();
  const upload = useUploadPlugin();
  const [over, setOver] = useState(false);
  const [problem, setProblem] = useState<string>();
  const send = async (files: File[]) => {
    setProblem(undefined);
    upload.reset();
    try {
      const bundle = await readBundle(files);
      if (bundle) upload.mutate(bundle);
      else setProblem(t('admin.plugins.upload.needBoth'));
    } catch {
      setProblem(t('admin.plugins.upload.unreadable'));
    }
  };
  const onDrop = (event: DragEvent) => {
    event.preventDefault();
    setOver(false);
    void send([...event.dataTransfer.files]);
  };
  const fields = upload.error instanceof ApiError ? upload.error.fields : [];
  return (
    <section className="admin-panel stack" aria-labelledby="upload-heading">
      <h2 id="upload-heading">{t('admin.plugins.upload.title')}</h2>
      <div
        className={`drop-zone${over ? ' over' : ''}`}
        onDragOver={(event) => {
          event.preventDefault();
          setOver(true);
        }}
        onDragLeave={() => setOver(false)}
        onDrop={onDrop}
      >
        <p>{t('admin.plugins.upload.drop')}</p>
        <label className="button">
          {t('admin.plugins.upload.choose')}
          <input
            type="file"
            multiple
            accept=".json,.js"
            className="visually-hidden"
            onChange={(event) => void send([...(event.target.files ?? [])])}
          />
        </label>
      </div>
      {problem && (
        <p className="error" role="alert">
          {problem}
        </p>
      )}
      <ErrorNote error={upload.error} />
      {fields.length > 0 && (
        <ul className="error">
          {fields.map((field) => (
            <li key={field.path}>
              {field.path}: {field.message}
            </li>
          ))}
        </ul>
      )}
      {upload.data && (
        <p role="status">
          {t('admin.plugins.upload.done', { name: upload.data.name, version: upload.data.version })}
        </p>
      )}
    </section>
  );
}
