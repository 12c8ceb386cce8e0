import type { INodeProperties } from 'n8n-workflow';

import { Awaz } from '../../nodes/Awaz/Awaz.node';
import { awazOperations } from '../../nodes/Awaz/actions/registry';

const properties = new Awaz().description.properties;

/** The operation values the editor offers for a resource. */
function offered(resource: string): string[] {
	const selector = properties.find(
		(property: INodeProperties) =>
			property.name === 'operation' && property.displayOptions?.show?.resource?.includes(resource),
	);
	return (selector?.options ?? []).map((option) => String((option as { value: string }).value));
}

describe('the operation registry', () => {
	const resources = (
		properties.find((property) => property.name === 'resource')?.options ?? []
	).map((option) => String((option as { value: string }).value));

	it.each(resources)('has exactly the operations the editor offers for %s', (resource) => {
		const operations = awazOperations[resource as keyof typeof awazOperations];
		expect(Object.keys(operations).sort()).toEqual(offered(resource).sort());
	});

	it('lets only Call → Get run items side by side; the writes are the creating, deleting and top-up operations', () => {
		const traits = Object.entries(awazOperations).flatMap(([resource, operations]) =>
			Object.entries(operations).map(([operation, { traits }]) => ({
				operation: `${resource}.${operation}`,
				...traits,
			})),
		);
		expect(traits.filter((entry) => entry.parallelItems !== 1)).toEqual([
			{ operation: 'call.get', writes: false, parallelItems: 8 },
		]);
		expect(
			traits
				.filter((entry) => entry.writes)
				.map((entry) => entry.operation)
				.sort(),
		).toEqual([
			'call.schedule',
			'call.scheduleAndWait',
			'contact.create',
			'subscription.create',
			'subscription.delete',
			'workspace.addCredits',
			'workspace.addMinutes',
		]);
	});
});
