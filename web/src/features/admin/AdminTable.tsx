import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';

/** One column of an admin table: its heading, and what each row shows in it. */
export interface AdminColumn<Row> {
  header: string;
  cell: (row: Row) => ReactNode;
}

/**
 * A section's list of things, the same way in every admin section: a table captioned for screen readers, a
 * last column of row actions (headed for screen readers only), or `empty` said in words when there are none.
 * Nothing while the rows are loading.
 */
export function AdminTable<Row>({
  caption,
  columns,
  rows,
  rowKey,
  actions,
  empty,
}: {
  caption: string;
  columns: AdminColumn<Row>[];
  rows: Row[] | undefined;
  rowKey: (row: Row) => string;
  actions?: (row: Row) => ReactNode;
  empty?: string;
}) {
  const { t } = useTranslation();
  if (!rows) return null;
  if (rows.length === 0) return empty ? <p className="muted">{empty}</p> : null;
  return (
    <table className="admin-table">
      <caption className="visually-hidden">{caption}</caption>
      <thead>
        <tr>
          {columns.map((column) => (
            <th key={column.header} scope="col">
              {column.header}
            </th>
          ))}
          {actions && (
            <th scope="col">
              <span className="visually-hidden">{t('admin.actions')}</span>
            </th>
          )}
        </tr>
      </thead>
      <tbody>
        {rows.map((row) => (
          <tr key={rowKey(row)}>
            {columns.map((column) => (
              <td key={column.header}>{column.cell(row)}</td>
            ))}
            {actions && <td className="admin-row-actions">{actions(row)}</td>}
          </tr>
        ))}
      </tbody>
    </table>
  );
}
