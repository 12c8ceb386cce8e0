import type { IDataObject } from 'n8n-workflow';

/** A page is read instead of calls by id only when it holds at least this many calls due a read. */
const CALLS_WORTH_A_PAGE = 2;
/** The search starts only for this many calls whose page is not known: fewer are read by id. */
const CALLS_WORTH_A_SEARCH = 10;

/**
 * Where the calls being waited for appear in `GET /v1/calls?page=N`, which shows many calls with
 * their statuses in one request. Its order and page size are undocumented (an API may list newest
 * first, or append at the end), so nothing is assumed: pages are searched from page 0, then
 * towards the end (doubling, then halving the gap) and around every page that showed one of the
 * calls, within its search budget. A call is then read through the page it was last seen on,
 * for as long as that page still shows it; a call the list does not show (any more) is read by id.
 * A server that ignores `page` (the same page again) or shuffles only makes the wait slower.
 */
export class ListView {
	private readonly pageOf = new Map<string, number>();
	private readonly probed = new Set<number>();
	/** Pages that showed calls waited for (even those settled since): the others stand beside them. */
	private readonly hits = new Set<number>();
	private emptyFrom = Infinity;
	private highestWithCalls = -1;
	private firstPageIds?: string;
	private searched = 0;
	private failures = 0;
	private off = false;
	private readonly searchBudget: number;

	/**
	 * `calls`: how many calls are waited for; the search may read half as many pages, so it never
	 * costs more than reading each call by id, and a big batch is found on every page that shows it.
	 */
	constructor(calls: number) {
		this.searchBudget = calls < CALLS_WORTH_A_SEARCH ? 0 : calls / 2;
	}

	/**
	 * Whether a search step is on its way: the calls it may find wait for its answer rather than
	 * being read by id meanwhile (the search goes one page after another).
	 */
	searching(busy: ReadonlySet<number>): boolean {
		return !this.off && [...busy].some((page) => !this.probed.has(page));
	}

	/** The page to read next for the calls `due` a read, or undefined: read one of them by id. */
	nextPage(due: string[], busy: ReadonlySet<number>): number | undefined {
		if (this.off) return undefined;
		const counts = new Map<number, number>();
		for (const id of due) {
			const page = this.pageOf.get(id);
			if (page !== undefined && !busy.has(page)) counts.set(page, (counts.get(page) ?? 0) + 1);
		}
		const [best] = [...counts.entries()].sort((a, b) => b[1] - a[1] || a[0] - b[0]);
		if (best && best[1] >= CALLS_WORTH_A_PAGE) return best[0];
		const unplaced = due.filter((id) => !this.pageOf.has(id)).length;
		// Started for many calls; once it found some, it goes on for the rest beside them.
		if (unplaced === 0 || (unplaced < CALLS_WORTH_A_SEARCH && this.hits.size === 0)) {
			return undefined;
		}
		const step = this.searchStep(busy);
		if (step === undefined && busy.size === 0) this.off = this.hits.size === 0;
		return step;
	}

	/** Where a call was last seen in the list. */
	pageOfCall(id: string): number | undefined {
		return this.pageOf.get(id);
	}

	/** What page `page` held; `waited` are the ids still waited for. */
	record(page: number, items: IDataObject[], waited: ReadonlySet<string>): void {
		this.failures = 0;
		if (!this.probed.has(page)) this.searched++;
		this.probed.add(page);
		const ids = items.map((item) => String(item.id ?? ''));
		const signature = ids.join(',');
		if (page === 0) this.firstPageIds = signature;
		// A server that ignores `page` hands back page 0 again: there is nothing past page 0.
		const repeatsFirst = page > 0 && items.length > 0 && signature === this.firstPageIds;
		if (items.length === 0 || repeatsFirst) {
			this.emptyFrom = Math.min(this.emptyFrom, page);
		} else {
			this.highestWithCalls = Math.max(this.highestWithCalls, page);
		}
		const shown = new Set(repeatsFirst ? [] : ids);
		for (const [id, at] of this.pageOf) if (at === page && !shown.has(id)) this.pageOf.delete(id);
		for (const id of shown) {
			if (!waited.has(id)) continue;
			this.pageOf.set(id, page);
			this.hits.add(page);
		}
		if (this.searched >= this.searchBudget && this.hits.size === 0) this.off = true;
	}

	/** A page read failed: a refusal ends list reading, passing trouble only after a few in a row. */
	failed(mayPass: boolean): void {
		this.failures++;
		if (!mayPass || this.failures >= 3) this.off = true;
	}

	forget(id: string): void {
		this.pageOf.delete(id);
	}

	/** The next page worth a look while calls are not placed: page 0, around hits, then the end. */
	private searchStep(busy: ReadonlySet<number>): number | undefined {
		if (this.searched >= this.searchBudget) return undefined;
		const fresh = (page: number) =>
			page >= 0 && page < this.emptyFrom && !this.probed.has(page) && !busy.has(page);
		if (fresh(0)) return 0;
		// Calls placed one after another stand together: look beside the pages that showed some.
		for (const page of this.hits) {
			if (fresh(page + 1)) return page + 1;
			if (fresh(page - 1)) return page - 1;
		}
		if (this.hits.size > 0) return undefined;
		// None seen yet: the calls just placed are at the end of a list that appends; find the end.
		const from = Math.max(this.highestWithCalls, 0);
		if (this.emptyFrom === Infinity) {
			const next = from === 0 ? 1 : from * 2;
			return fresh(next) ? next : undefined;
		}
		const middle = Math.floor((from + this.emptyFrom) / 2);
		if (middle > from && fresh(middle)) return middle;
		return fresh(from) ? from : undefined;
	}
}
