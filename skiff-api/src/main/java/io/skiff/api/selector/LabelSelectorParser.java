package io.skiff.api.selector;

import io.skiff.api.selector.LabelSelector.Operator;
import io.skiff.api.selector.LabelSelector.Requirement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** Parses the query-string form of a label selector, with upstream's grammar. */
final class LabelSelectorParser {

  private enum Kind {
    IDENTIFIER,
    NOT,
    EQUALS,
    DOUBLE_EQUALS,
    NOT_EQUALS,
    GREATER,
    LESS,
    COMMA,
    OPEN,
    CLOSE,
    IN,
    NOT_IN,
    END
  }

  private record Token(Kind kind, String text) {}

  private final List<Token> tokens = new ArrayList<>();
  private int pos;

  LabelSelectorParser(String input) {
    lex(input);
  }

  List<Requirement> parse() {
    List<Requirement> out = new ArrayList<>();
    while (true) {
      out.add(requirement());
      Token t = next();
      if (t.kind == Kind.END) {
        break;
      }
      if (t.kind != Kind.COMMA) {
        throw error(t, "',' or end of string");
      }
      if (peek().kind == Kind.END) {
        throw error(peek(), "identifier");
      }
    }
    out.sort(Comparator.comparing(Requirement::key));
    return out;
  }

  private Requirement requirement() {
    boolean negated = false;
    if (peek().kind == Kind.NOT) {
      next();
      negated = true;
    }
    Token key = next();
    if (key.kind != Kind.IDENTIFIER) {
      throw error(key, "identifier");
    }
    LabelRules.checkKey(key.text);
    Kind after = peek().kind;
    if (negated || after == Kind.COMMA || after == Kind.END) {
      if (negated && after != Kind.COMMA && after != Kind.END) {
        throw error(peek(), "',' or end of string");
      }
      return new Requirement(
          key.text, negated ? Operator.DOES_NOT_EXIST : Operator.EXISTS, Set.of());
    }
    Token op = next();
    Operator operator =
        switch (op.kind) {
          case EQUALS, DOUBLE_EQUALS -> Operator.EQUALS;
          case NOT_EQUALS -> Operator.NOT_EQUALS;
          case IN -> Operator.IN;
          case NOT_IN -> Operator.NOT_IN;
          case GREATER -> Operator.GREATER_THAN;
          case LESS -> Operator.LESS_THAN;
          default -> throw error(op, "'=', '!=', '==', 'in', notin'");
        };
    Set<String> values =
        operator == Operator.IN || operator == Operator.NOT_IN ? valueSet() : singleValue(operator);
    values.forEach(LabelRules::checkValue);
    return new Requirement(key.text, operator, values);
  }

  private Set<String> singleValue(Operator operator) {
    Kind k = peek().kind;
    if (k == Kind.COMMA || k == Kind.END) {
      if (operator == Operator.GREATER_THAN || operator == Operator.LESS_THAN) {
        throw error(peek(), "identifier");
      }
      return Set.of("");
    }
    Token v = next();
    if (v.kind != Kind.IDENTIFIER && v.kind != Kind.IN && v.kind != Kind.NOT_IN) {
      throw error(v, "identifier");
    }
    if (operator == Operator.GREATER_THAN || operator == Operator.LESS_THAN) {
      try {
        Long.parseLong(v.text);
      } catch (NumberFormatException e) {
        throw new SelectorException(
            "for 'Gt', 'Lt' operators, the value must be an integer: \"" + v.text + "\"");
      }
    }
    return Set.of(v.text);
  }

  private Set<String> valueSet() {
    Token open = next();
    if (open.kind != Kind.OPEN) {
      throw error(open, "'('");
    }
    if (peek().kind == Kind.CLOSE) {
      throw new SelectorException("for 'in', 'notin' operators, values set can't be empty");
    }
    Set<String> values = new LinkedHashSet<>();
    while (true) {
      Kind k = peek().kind;
      // An empty place between commas is the empty value, as upstream reads "in (,a)".
      values.add(k == Kind.IDENTIFIER || k == Kind.IN || k == Kind.NOT_IN ? next().text : "");
      Token sep = next();
      if (sep.kind == Kind.CLOSE) {
        return values;
      }
      if (sep.kind != Kind.COMMA) {
        throw error(sep, "',' or ')'");
      }
    }
  }

  private Token peek() {
    return tokens.get(pos);
  }

  private Token next() {
    Token t = tokens.get(pos);
    if (t.kind != Kind.END) {
      pos++;
    }
    return t;
  }

  private static SelectorException error(Token found, String expected) {
    String what = found.kind == Kind.END ? "end of string" : "'" + found.text + "'";
    return new SelectorException(
        "unable to parse requirement: found " + what + ", expected: " + expected);
  }

  private void lex(String s) {
    int i = 0;
    while (i < s.length()) {
      char c = s.charAt(i);
      if (Character.isWhitespace(c)) {
        i++;
        continue;
      }
      switch (c) {
        case ',' -> add(Kind.COMMA, ",", 1);
        case '(' -> add(Kind.OPEN, "(", 1);
        case ')' -> add(Kind.CLOSE, ")", 1);
        case '>' -> add(Kind.GREATER, ">", 1);
        case '<' -> add(Kind.LESS, "<", 1);
        case '!' -> {
          if (i + 1 < s.length() && s.charAt(i + 1) == '=') {
            add(Kind.NOT_EQUALS, "!=", 2);
          } else {
            add(Kind.NOT, "!", 1);
          }
        }
        case '=' -> {
          if (i + 1 < s.length() && s.charAt(i + 1) == '=') {
            add(Kind.DOUBLE_EQUALS, "==", 2);
          } else {
            add(Kind.EQUALS, "=", 1);
          }
        }
        default -> {
          int start = i;
          while (i < s.length() && !isSpecial(s.charAt(i))) {
            i++;
          }
          String word = s.substring(start, i);
          Kind kind =
              switch (word) {
                case "in" -> Kind.IN;
                case "notin" -> Kind.NOT_IN;
                default -> Kind.IDENTIFIER;
              };
          tokens.add(new Token(kind, word));
          continue;
        }
      }
      i += tokens.getLast().text.length();
    }
    tokens.add(new Token(Kind.END, ""));
  }

  private void add(Kind kind, String text, int length) {
    tokens.add(new Token(kind, text.substring(0, length)));
  }

  private static boolean isSpecial(char c) {
    return Character.isWhitespace(c) || "!=,()<>".indexOf(c) >= 0;
  }
}
