package io.querysub.core.fn;

import jakarta.validation.Validator;
import jakarta.validation.metadata.BeanDescriptor;
import jakarta.validation.metadata.ConstraintDescriptor;
import jakarta.validation.metadata.MethodDescriptor;
import jakarta.validation.metadata.ParameterDescriptor;
import jakarta.validation.metadata.PropertyDescriptor;
import java.lang.annotation.Annotation;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Type;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * One registered server function: the bean method to call and what it takes.
 *
 * @param name the stable name calls use
 * @param target the bean (a CDI contextual reference, or any object in tests)
 * @param method the method, declared on the bean's class
 * @param argType the type the call's {@code args} bind to, or null when it takes none
 * @param timeout the time limit of one run
 */
public record FunctionDef(
    String name, Object target, Method method, Type argType, Duration timeout) {
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._-]{1,128}");
  private static final Set<String> IGNORED_ATTRIBUTES = Set.of("message", "groups", "payload");

  /**
   * The function {@code method} of {@code target} declares with {@link ServerFunction}; refuses a
   * method of the wrong shape with a message naming it.
   */
  public static FunctionDef of(Object target, Method method, Duration defaultTimeout) {
    ServerFunction a = method.getAnnotation(ServerFunction.class);
    String where = method.getDeclaringClass().getName() + "." + method.getName();
    if (a == null) {
      throw new IllegalArgumentException(where + " is not annotated @ServerFunction");
    }
    if (!NAME.matcher(a.value()).matches()) {
      throw new IllegalArgumentException(
          where + ": function name '" + a.value() + "' must be 1 to 128 of A-Z a-z 0-9 . _ -");
    }
    Class<?>[] params = method.getParameterTypes();
    if (params.length < 1 || params.length > 2 || params[0] != FunctionTx.class) {
      throw new IllegalArgumentException(
          where + ": a server function takes a FunctionTx, then at most one argument object");
    }
    if (Modifier.isStatic(method.getModifiers()) || !Modifier.isPublic(method.getModifiers())) {
      throw new IllegalArgumentException(where + ": a server function is a public instance method");
    }
    if (a.timeoutMillis() < 0) {
      throw new IllegalArgumentException(where + ": timeoutMillis must not be negative");
    }
    Duration timeout =
        a.timeoutMillis() == 0 ? defaultTimeout : Duration.ofMillis(a.timeoutMillis());
    Type argType = params.length == 2 ? method.getGenericParameterTypes()[1] : null;
    return new FunctionDef(a.value(), target, method, argType, timeout);
  }

  /** Whether the function runs with the system's rights ({@link ServerFunction#runAs}). */
  public boolean runsAsSystem() {
    ServerFunction a = method == null ? null : method.getAnnotation(ServerFunction.class);
    return a != null && a.runAs() == ServerFunction.RunAs.SYSTEM;
  }

  /** What the function takes, for listings: the argument type and each field's constraints. */
  public Info describe(Validator validator) {
    List<String> onParam = new ArrayList<>();
    Map<String, List<String>> fields = new TreeMap<>();
    String typeName = null;
    if (argType != null) {
      Class<?> argClass = method.getParameterTypes()[1];
      typeName = argClass.getSimpleName();
      MethodDescriptor md =
          validator
              .getConstraintsForClass(method.getDeclaringClass())
              .getConstraintsForMethod(method.getName(), method.getParameterTypes());
      if (md != null) {
        ParameterDescriptor pd = md.getParameterDescriptors().get(1);
        for (ConstraintDescriptor<?> c : pd.getConstraintDescriptors()) {
          onParam.add(constraint(c));
        }
        if (pd.isCascaded()) {
          onParam.add("Valid");
        }
      }
      BeanDescriptor bd = validator.getConstraintsForClass(argClass);
      for (var field : argClass.getDeclaredFields()) {
        if (!Modifier.isStatic(field.getModifiers())) {
          fields.put(field.getName(), new ArrayList<>());
        }
      }
      for (PropertyDescriptor p : bd.getConstrainedProperties()) {
        List<String> cs = fields.computeIfAbsent(p.getPropertyName(), k -> new ArrayList<>());
        for (ConstraintDescriptor<?> c : p.getConstraintDescriptors()) {
          cs.add(constraint(c));
        }
      }
    }
    List<Field> list = new ArrayList<>();
    fields.forEach((k, v) -> list.add(new Field(k, v)));
    return new Info(name, typeName, onParam, list, timeout.toMillis());
  }

  /** A constraint as text: its annotation's simple name and the attributes that matter. */
  private static String constraint(ConstraintDescriptor<?> c) {
    Annotation a = c.getAnnotation();
    StringBuilder s = new StringBuilder(a.annotationType().getSimpleName());
    List<String> attrs = new ArrayList<>();
    new TreeMap<>(c.getAttributes())
        .forEach(
            (k, v) -> {
              if (!IGNORED_ATTRIBUTES.contains(k)) {
                attrs.add(k + "=" + v);
              }
            });
    if (!attrs.isEmpty()) {
      s.append('(').append(String.join(", ", attrs)).append(')');
    }
    return s.toString();
  }

  /** A function as listed: name, argument type, constraints on it and on each field, limit. */
  public record Info(
      String name,
      String argType,
      List<String> argConstraints,
      List<Field> fields,
      long timeoutMillis) {}

  /** A field of the argument object and its constraints. */
  public record Field(String name, List<String> constraints) {}
}
