package io.skiff.e2e;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Runs a test once per kubectl version of {@link KubectlBinary#kubectlVersions()}, which it gets as
 * its first parameter:
 *
 * <pre>{@code
 * @ForEachKubectl
 * void deploymentRollsOut(String version) {
 *   Kubectl kubectl = skiff.kubectl(version);
 *   ...
 * }
 * }</pre>
 */
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
@ParameterizedTest(name = "kubectl {0}")
@MethodSource("io.skiff.e2e.KubectlBinary#kubectlVersions")
public @interface ForEachKubectl {}
