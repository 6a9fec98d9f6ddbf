package io.skiff.client.transport;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Method;
import java.util.Arrays;
import java.util.stream.Stream;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every method of {@link Transport}, found by reflection so that one added later is checked too, as
 * a wrapper that overrides nothing passes it on.
 */
class ForwardingTransportTest {

  private final RecordingTransport server = new RecordingTransport();
  private final Transport forwarding = new ForwardingTransport(server.transport) {};

  static Stream<Named<Method>> transportMethods() {
    return Arrays.stream(Transport.class.getMethods()).map(m -> Named.of(m.getName(), m));
  }

  @ParameterizedTest
  @MethodSource("transportMethods")
  void passesTheCallOnWithItsArgumentsAndReturnsTheAnswer(Method method) throws Exception {
    Object[] args = RecordingTransport.sampleArguments(method);

    Object answer = method.invoke(forwarding, args);

    assertThat(server.calls)
        .singleElement()
        .satisfies(
            call -> {
              assertThat(call.method().getName()).isEqualTo(method.getName());
              assertThat(call.method().getParameterTypes()).isEqualTo(method.getParameterTypes());
              assertThat(call.arguments()).hasSameSizeAs(args);
              for (int i = 0; i < args.length; i++) {
                assertThat(call.arguments().get(i)).as("argument %d", i).isSameAs(args[i]);
              }
              assertThat(answer).isSameAs(call.answer());
            });
  }
}
