/**
 * A virtualised, keyboard-navigable grid (ARIA grid pattern with aria-activedescendant): only the rows in view (plus
 * a few) exist in the DOM, so 100,000 layers scroll as smoothly as 10. Arrow keys, Page Up/Down, Home/End move the
 * active row; Enter (or a click) selects it. Columns may be sortable.
 */
import { el } from '../../cost-profile/webview/dom.js';
import { visibleWindow } from '../logic/layer-table.js';

export interface GridColumn<R> {
  readonly id: string;
  readonly header: string;
  readonly cell: (row: R) => Node | string;
  readonly numeric?: boolean;
  /** Sortable: clicking the header asks `onSort`. */
  readonly sortable?: boolean;
}

export interface GridOptions<R> {
  readonly id: string;
  readonly label: string;
  readonly columns: readonly GridColumn<R>[];
  readonly rowClass?: (row: R) => string;
  readonly onSelect?: (row: R) => void;
  readonly onSort?: (column: string) => void;
  readonly sort?: { readonly column: string; readonly descending: boolean };
}

export const ROW_HEIGHT = 24;

export class VirtualGrid<R> {
  readonly element: HTMLElement;
  private readonly scroller: HTMLElement;
  private readonly spacer: HTMLElement;
  private rows: readonly R[] = [];
  private active = 0;
  private selectedRow: R | null = null;
  private frame = 0;

  constructor(private readonly o: GridOptions<R>) {
    const header = el('div', { role: 'row', class: 'grid-row grid-header', 'aria-rowindex': '1' },
      ...o.columns.map((c) => {
        const sorted = o.sort?.column === c.id;
        const attrs: Record<string, string> = { role: 'columnheader', class: `grid-cell col-${c.id}${c.numeric ? ' num' : ''}` };
        if (c.sortable) attrs['aria-sort'] = sorted ? (o.sort!.descending ? 'descending' : 'ascending') : 'none';
        const cell = el('div', attrs);
        if (c.sortable) {
          const b = el('button', { type: 'button', class: 'sort', title: `Sort by ${c.header}` }, c.header + (sorted ? (o.sort!.descending ? ' ▼' : ' ▲') : ''));
          b.addEventListener('click', () => o.onSort?.(c.id));
          cell.append(b);
        } else cell.append(c.header);
        return cell;
      }));
    this.spacer = el('div', { class: 'grid-spacer', role: 'rowgroup' });
    this.scroller = el('div', { class: 'grid-body', tabindex: '0', id: `${o.id}-body` });
    this.scroller.append(this.spacer);
    this.element = el('div', { role: 'grid', id: o.id, class: 'grid', 'aria-label': o.label, 'aria-colcount': String(o.columns.length) },
      el('div', { role: 'rowgroup', class: 'grid-head' }, header), this.scroller);
    this.scroller.addEventListener('scroll', () => this.schedule());
    this.scroller.addEventListener('keydown', (e) => this.onKey(e));
    this.scroller.addEventListener('click', (e) => {
      const row = (e.target as HTMLElement).closest<HTMLElement>('[data-row]');
      if (!row) return;
      this.setActive(Number(row.dataset['row']));
      this.select();
    });
    new ResizeObserver(() => this.schedule()).observe(this.scroller);
  }

  /** Replaces the rows (after a sort, a filter or new figures). */
  setRows(rows: readonly R[]): void {
    this.rows = rows;
    this.element.setAttribute('aria-rowcount', String(rows.length + 1));
    this.spacer.style.height = `${rows.length * ROW_HEIGHT}px`;
    this.active = Math.min(this.active, Math.max(0, rows.length - 1));
    this.render();
  }

  /** Makes `row` the active one and scrolls to it (linking from the plan or the graph). */
  reveal(predicate: (row: R) => boolean): void {
    const i = this.rows.findIndex(predicate);
    if (i < 0) return;
    this.selectedRow = this.rows[i]!;
    this.setActive(i);
  }

  get count(): number {
    return this.rows.length;
  }

  private schedule(): void {
    if (this.frame) return;
    this.frame = requestAnimationFrame(() => {
      this.frame = 0;
      this.render();
    });
  }

  private render(): void {
    const { start, end } = visibleWindow(this.scroller.scrollTop, this.scroller.clientHeight || 400, ROW_HEIGHT, this.rows.length);
    const nodes: HTMLElement[] = [];
    for (let i = start; i < end; i++) {
      const r = this.rows[i]!;
      const cls = `grid-row${this.o.rowClass ? ` ${this.o.rowClass(r)}` : ''}${i === this.active ? ' active' : ''}${r === this.selectedRow ? ' selected' : ''}`;
      const row = el('div', { role: 'row', class: cls, id: `${this.o.id}-r${i}`, 'aria-rowindex': String(i + 2), 'data-row': String(i), 'aria-selected': String(r === this.selectedRow) },
        ...this.o.columns.map((c) => el('div', { role: 'gridcell', class: `grid-cell col-${c.id}${c.numeric ? ' num' : ''}` }, c.cell(r))));
      row.style.top = `${i * ROW_HEIGHT}px`;
      nodes.push(row);
    }
    this.spacer.replaceChildren(...nodes);
    if (this.rows.length > 0) this.scroller.setAttribute('aria-activedescendant', `${this.o.id}-r${this.active}`);
    else this.scroller.removeAttribute('aria-activedescendant');
  }

  private setActive(i: number): void {
    if (this.rows.length === 0) return;
    this.active = Math.max(0, Math.min(this.rows.length - 1, i));
    const top = this.active * ROW_HEIGHT;
    const view = this.scroller.clientHeight;
    if (top < this.scroller.scrollTop) this.scroller.scrollTop = top;
    else if (top + ROW_HEIGHT > this.scroller.scrollTop + view) this.scroller.scrollTop = top + ROW_HEIGHT - view;
    this.render();
  }

  private select(): void {
    const r = this.rows[this.active];
    if (r === undefined) return;
    this.selectedRow = r;
    this.render();
    this.o.onSelect?.(r);
  }

  private onKey(e: KeyboardEvent): void {
    const page = Math.max(1, Math.floor(this.scroller.clientHeight / ROW_HEIGHT) - 1);
    const moves: Record<string, number> = { ArrowDown: 1, ArrowUp: -1, PageDown: page, PageUp: -page };
    if (e.key in moves) this.setActive(this.active + moves[e.key]!);
    else if (e.key === 'Home') this.setActive(0);
    else if (e.key === 'End') this.setActive(this.rows.length - 1);
    else if (e.key === 'Enter' || e.key === ' ') this.select();
    else return;
    e.preventDefault();
  }
}
