import {
  GraphQLError,
  Kind,
  type ASTVisitor,
  type FragmentDefinitionNode,
  type SelectionSetNode,
  type ValidationContext,
  type ValidationRule,
} from 'graphql';

function limitError(message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: 'GRAPHQL_VALIDATION_FAILED' } });
}

const INTROSPECTION_ROOTS = new Set(['__schema', '__type']);

/** Refuses operations nested deeper than `maxDepth` fields (introspection excluded, fragments followed). */
export function depthLimit(maxDepth: number): ValidationRule {
  return (context: ValidationContext): ASTVisitor => {
    const fragments = new Map<string, FragmentDefinitionNode>();
    for (const definition of context.getDocument().definitions) {
      if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
    }
    function depthOf(selectionSet: SelectionSetNode, depth: number, visiting: Set<string>): number {
      if (depth > maxDepth) return depth;
      let deepest = depth;
      for (const selection of selectionSet.selections) {
        if (selection.kind === Kind.FIELD) {
          if (INTROSPECTION_ROOTS.has(selection.name.value)) continue;
          const next = selection.selectionSet ? depthOf(selection.selectionSet, depth + 1, visiting) : depth + 1;
          deepest = Math.max(deepest, next);
        } else if (selection.kind === Kind.INLINE_FRAGMENT) {
          deepest = Math.max(deepest, depthOf(selection.selectionSet, depth, visiting));
        } else {
          const name = selection.name.value;
          const fragment = fragments.get(name);
          if (!fragment || visiting.has(name)) continue;
          visiting.add(name);
          deepest = Math.max(deepest, depthOf(fragment.selectionSet, depth, visiting));
          visiting.delete(name);
        }
        if (deepest > maxDepth) return deepest;
      }
      return deepest;
    }
    return {
      OperationDefinition(node) {
        const depth = depthOf(node.selectionSet, 0, new Set());
        if (depth > maxDepth) {
          context.reportError(limitError(`The operation is nested deeper than the limit of ${maxDepth} levels.`));
        }
      },
    };
  };
}

/** Refuses documents with more than `maxAliases` aliases (alias flooding multiplies work). */
export function aliasLimit(maxAliases: number): ValidationRule {
  return (context) => {
    let aliases = 0;
    return {
      Field(node) {
        if (node.alias) aliases += 1;
      },
      Document: {
        leave() {
          if (aliases > maxAliases) context.reportError(limitError(`The document uses ${aliases} aliases; the limit is ${maxAliases}.`));
        },
      },
    };
  };
}

/** Refuses documents with more than `maxDirectives` directives. */
export function directiveLimit(maxDirectives: number): ValidationRule {
  return (context) => {
    let directives = 0;
    return {
      Directive() {
        directives += 1;
      },
      Document: {
        leave() {
          if (directives > maxDirectives) {
            context.reportError(limitError(`The document uses ${directives} directives; the limit is ${maxDirectives}.`));
          }
        },
      },
    };
  };
}
