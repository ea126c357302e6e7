// Lint rules that matter for Tandem, beyond style.

const HTTP_METHODS = new Set(['Get', 'Post', 'Put', 'Patch', 'Delete', 'Head', 'Options', 'All']);

const decoratorName = (decorator) => {
  const expression = decorator.expression;
  if (expression.type === 'CallExpression' && expression.callee.type === 'Identifier') return expression.callee.name;
  if (expression.type === 'Identifier') return expression.name;
  return null;
};

/** Every route handler declares who may call it: `@Allow(...)` on the method or on its controller. */
const routeNeedsAccessDeclaration = {
  meta: {
    type: 'problem',
    docs: { description: 'every route declares its audience with @Allow' },
    messages: { missing: 'Route {{name}} has no @Allow(...) on the method or its controller: declare who may call it.' },
    schema: [],
  },
  create(context) {
    return {
      ClassDeclaration(node) {
        const classDecorators = (node.decorators ?? []).map(decoratorName);
        if (!classDecorators.includes('Controller')) return;
        const classAllows = classDecorators.includes('Allow');
        for (const member of node.body.body) {
          if (member.type !== 'MethodDefinition') continue;
          const names = (member.decorators ?? []).map(decoratorName);
          if (!names.some((n) => HTTP_METHODS.has(n))) continue;
          if (!classAllows && !names.includes('Allow')) {
            context.report({ node: member, messageId: 'missing', data: { name: member.key.name ?? '(computed)' } });
          }
        }
      },
    };
  },
};

export default { rules: { 'route-needs-access-declaration': routeNeedsAccessDeclaration } };
