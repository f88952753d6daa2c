package dev.signet.server.policy;

import dev.cel.common.CelAbstractSyntaxTree;
import dev.cel.common.CelValidationException;
import dev.cel.common.types.MapType;
import dev.cel.common.types.SimpleType;
import dev.cel.compiler.CelCompiler;
import dev.cel.compiler.CelCompilerFactory;
import dev.cel.runtime.CelEvaluationException;
import dev.cel.runtime.CelRuntime;
import dev.cel.runtime.CelRuntimeFactory;
import java.util.Map;

/**
 * A rule's CEL condition, compiled once when the policy is loaded (a syntax or type error makes the file
 * invalid) and evaluated per decision over {@code identity}, {@code resource}, {@code action} (strings),
 * {@code context} and {@code trust} (maps).
 */
final class Condition {
  private static final CelCompiler COMPILER = CelCompilerFactory.standardCelCompilerBuilder()
      .addVar("identity", SimpleType.STRING)
      .addVar("resource", SimpleType.STRING)
      .addVar("action", SimpleType.STRING)
      .addVar("context", MapType.create(SimpleType.STRING, SimpleType.DYN))
      .addVar("trust", MapType.create(SimpleType.STRING, SimpleType.DYN))
      .setResultType(SimpleType.BOOL)
      .build();
  private static final CelRuntime RUNTIME = CelRuntimeFactory.standardCelRuntimeBuilder().build();

  private final String text;
  private final CelRuntime.Program program;

  private Condition(String text, CelRuntime.Program program) {
    this.text = text;
    this.program = program;
  }

  static Condition compile(String text) throws PolicyException {
    try {
      CelAbstractSyntaxTree ast = COMPILER.compile(text).getAst();
      return new Condition(text, RUNTIME.createProgram(ast));
    } catch (CelValidationException e) {
      throw new PolicyException("condition \"" + text + "\" does not compile: " + e.getMessage());
    } catch (dev.cel.common.CelException e) {
      throw new PolicyException("condition \"" + text + "\" cannot run: " + e.getMessage());
    }
  }

  /** True or false; a condition that fails to evaluate (a missing key, say) throws. */
  boolean test(Map<String, Object> variables) throws CelEvaluationException {
    return Boolean.TRUE.equals(program.eval(variables));
  }

  String text() {
    return text;
  }
}
