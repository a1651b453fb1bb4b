/** The tool the Anthropic SDK tests offer the model. */
export const lookupTool = {
  name: 'lookup_invoice',
  description: 'Finds an invoice by number',
  input_schema: {
    type: 'object' as const,
    properties: { invoice: { type: 'number' } },
    required: ['invoice'],
  },
};
