/*
 * Evaluator of the hailong expression syntax tree (docs/expressions.md), plain ES2017.
 *
 * The server parses expressions into a JSON tree; this file evaluates that tree in the browser with
 * exactly the semantics of survey/domain/expressions (XPath 1.0 with ODK's date and round rules).
 * It is standalone: the kiosk, the QR form and the interview app load it as a classic script and use
 * self.HailongExpressions.{evaluate, truthy, checkTree}.
 */
(function (root) {
  'use strict';

  var MAX_DEPTH = 100;
  var MAX_CODE_LENGTH = 64;
  var ROUNDING_LIMIT = 4503599627370496; // 2^52: from here on every double is an integer
  var NUMBER = /^-?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)$/;
  var DATE = /^([0-9]{4})-([0-9]{2})-([0-9]{2})$/;
  var CODE = /^[A-Za-z_][A-Za-z0-9_.-]*$/;
  var EDGE_WHITESPACE = /^[ \t\r\n]+|[ \t\r\n]+$/g;
  var SEPARATORS = /[ \t\r\n]+/;
  var ARITHMETIC = ['+', '-', '*', 'div', 'mod'];
  var COMPARISON = ['=', '!=', '<', '<=', '>', '>='];
  var KEYS = {
    num: ['type', 'value'], str: ['type', 'value'], ref: ['code', 'type'], self: ['type'],
    neg: ['arg', 'type'], arith: ['left', 'op', 'right', 'type'], cmp: ['left', 'op', 'right', 'type'],
    and: ['args', 'type'], or: ['args', 'type'], call: ['args', 'name', 'type']
  };
  var UNSET = {};

  function ExpressionError(message) {
    this.name = 'ExpressionError';
    this.message = message;
  }
  ExpressionError.prototype = Object.create(Error.prototype);
  ExpressionError.prototype.constructor = ExpressionError;

  /* Conversions (XPath 1.0 section 4, plus ODK's ISO date rule). */

  function toBoolean(value) {
    if (typeof value === 'boolean') return value;
    if (typeof value === 'number') return value !== 0 && value === value;
    return value !== '';
  }

  function toNumber(value) {
    if (typeof value === 'boolean') return value ? 1 : 0;
    if (typeof value === 'number') return value;
    var text = value.replace(EDGE_WHITESPACE, '');
    if (NUMBER.test(text)) return Number(text);
    var days = dateToDays(text);
    return days === null ? NaN : days;
  }

  function toString(value) {
    if (typeof value === 'boolean') return value ? 'true' : 'false';
    if (typeof value === 'number') return numberToString(value);
    return value;
  }

  /* Write a number like XPath string(): shortest round-trip digits, never an exponent. */
  function numberToString(number) {
    if (number !== number) return 'NaN';
    if (number === Infinity) return 'Infinity';
    if (number === -Infinity) return '-Infinity';
    if (number === 0) return '0';
    var sign = number < 0 ? '-' : '';
    var text = String(Math.abs(number));
    var e = text.indexOf('e');
    if (e < 0) return sign + text;
    var exponent = Number(text.slice(e + 1));
    var mantissa = text.slice(0, e);
    var point = mantissa.indexOf('.');
    var digits = mantissa.replace('.', '');
    var position = (point < 0 ? mantissa.length : point) + exponent; // digits before the point
    if (position <= 0) return sign + '0.' + '0'.repeat(-position) + digits;
    if (position >= digits.length) return sign + digits + '0'.repeat(position - digits.length);
    return sign + digits.slice(0, position) + '.' + digits.slice(position);
  }

  /* Days from 1970-01-01 to a valid ISO date (Hinnant's days_from_civil), or null. */
  function dateToDays(text) {
    var match = DATE.exec(text);
    if (!match) return null;
    var year = Number(match[1]);
    var month = Number(match[2]);
    var day = Number(match[3]);
    if (year < 1 || month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return null;
    var shifted = month <= 2 ? year - 1 : year;
    var era = Math.floor(shifted / 400);
    var yearOfEra = shifted - era * 400;
    var dayOfYear = Math.floor((153 * (month + (month > 2 ? -3 : 9)) + 2) / 5) + day - 1;
    var dayOfEra = yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear;
    return era * 146097 + dayOfEra - 719468;
  }

  function daysInMonth(year, month) {
    if (month === 2) {
      var leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
      return leap ? 29 : 28;
    }
    return [4, 6, 9, 11].indexOf(month) >= 0 ? 30 : 31;
  }

  function splitSelection(value) {
    return toString(value).split(SEPARATORS).filter(function (code) { return code !== ''; });
  }

  /* Turn one answer (as sent to the server) into a value of the language. */
  function answerValue(code, answer) {
    if (answer === null || answer === undefined) return '';
    if (typeof answer === 'boolean' || typeof answer === 'string' || typeof answer === 'number') {
      return answer;
    }
    if (Array.isArray(answer) && answer.every(function (part) { return typeof part === 'string'; })) {
      return answer.join(' ');
    }
    throw new ExpressionError('answer to ' + JSON.stringify(code) + ' has an unsupported type');
  }

  /* Functions: arity and implementation; "if" is run lazily by the evaluator. */

  function roundHalfAway(number, places) {
    if (places !== places || Math.abs(places) >= 16) return NaN;
    if (!isFinite(number)) return number;
    var n = Math.trunc(places);
    var power = Math.pow(10, Math.abs(n)); // exact for 10^0 .. 10^15
    var scaled = n >= 0 ? Math.abs(number) * power : Math.abs(number) / power;
    if (scaled >= ROUNDING_LIMIT) return number;
    var rounded = Math.floor(scaled + 0.5);
    var result = n >= 0 ? rounded / power : rounded * power;
    return number < 0 ? -result : result;
  }

  var FUNCTIONS = {
    'true': [0, 0, function () { return true; }],
    'false': [0, 0, function () { return false; }],
    'not': [1, 1, function (a) { return !toBoolean(a[0]); }],
    'if': [3, 3, null],
    'selected': [2, 2, function (a) {
      return splitSelection(a[0]).indexOf(toString(a[1]).replace(EDGE_WHITESPACE, '')) >= 0;
    }],
    'count-selected': [1, 1, function (a) { return splitSelection(a[0]).length; }],
    'string-length': [1, 1, function (a) { return Array.from(toString(a[0])).length; }],
    'starts-with': [2, 2, function (a) { return toString(a[0]).startsWith(toString(a[1])); }],
    'contains': [2, 2, function (a) { return toString(a[0]).indexOf(toString(a[1])) >= 0; }],
    'number': [1, 1, function (a) { return toNumber(a[0]); }],
    'int': [1, 1, function (a) {
      var number = toNumber(a[0]);
      return isFinite(number) ? Math.trunc(number) : number;
    }],
    'round': [1, 2, function (a) {
      return roundHalfAway(toNumber(a[0]), a.length > 1 ? toNumber(a[1]) : 0);
    }],
    'coalesce': [2, 2, function (a) { return a[0] === '' ? a[1] : a[0]; }],
    'date': [1, 1, function (a) { return toNumber(a[0]); }]
  };

  /* Operators. */

  function arithmetic(op, left, right) {
    if (op === '+') return left + right;
    if (op === '-') return left - right;
    if (op === '*') return left * right;
    if (op === 'div') return left / right; // IEEE 754 division, signed zeros included
    return left % right; // truncating remainder, the same as C fmod
  }

  function compare(op, left, right) {
    if (op === '=' || op === '!=') {
      var equal;
      if (typeof left === 'boolean' || typeof right === 'boolean') {
        equal = toBoolean(left) === toBoolean(right);
      } else if (typeof left === 'number' || typeof right === 'number') {
        equal = toNumber(left) === toNumber(right);
      } else {
        equal = toString(left) === toString(right);
      }
      return op === '=' ? equal : !equal;
    }
    var a = toNumber(left);
    var b = toNumber(right);
    if (op === '<') return a < b;
    if (op === '<=') return a <= b;
    if (op === '>') return a > b;
    return a >= b;
  }

  /* The structural check of a stored tree (survey/domain/expressions/tree.py). */

  function describe(value) {
    var text;
    try { text = JSON.stringify(value); } catch (error) { text = String(value); }
    return String(text).slice(0, 60);
  }

  function children(node) {
    if (node === null || typeof node !== 'object' || Array.isArray(node) ||
        !Object.prototype.hasOwnProperty.call(KEYS, node.type)) {
      throw new ExpressionError('malformed syntax tree: unknown node ' + describe(node));
    }
    var kind = node.type;
    if (Object.keys(node).sort().join(',') !== KEYS[kind].join(',')) {
      throw new ExpressionError('malformed syntax tree: a ' + kind + ' node has wrong keys');
    }
    if (kind === 'num') {
      var value = node.value;
      if (typeof value !== 'number' || !isFinite(value) || value < 0) {
        throw new ExpressionError('malformed syntax tree: number literal ' + describe(value));
      }
    } else if (kind === 'str' && typeof node.value !== 'string') {
      throw new ExpressionError("malformed syntax tree: a 'str' node needs text");
    } else if (kind === 'ref' && !(typeof node.code === 'string' && node.code.length <= MAX_CODE_LENGTH &&
                                   CODE.test(node.code))) {
      throw new ExpressionError('malformed syntax tree: item code ' + describe(node.code));
    } else if (kind === 'neg') {
      return [node.arg];
    } else if (kind === 'arith' || kind === 'cmp') {
      if ((kind === 'arith' ? ARITHMETIC : COMPARISON).indexOf(node.op) < 0) {
        throw new ExpressionError('malformed syntax tree: unknown operator ' + describe(node.op));
      }
      return [node.left, node.right];
    } else if (kind === 'and' || kind === 'or') {
      return argumentsOf(node, 2, Infinity);
    } else if (kind === 'call') {
      var spec = typeof node.name === 'string' && Object.prototype.hasOwnProperty.call(FUNCTIONS, node.name)
        ? FUNCTIONS[node.name] : null;
      if (spec === null) {
        throw new ExpressionError('malformed syntax tree: unknown function ' + describe(node.name));
      }
      return argumentsOf(node, spec[0], spec[1]);
    }
    return [];
  }

  function argumentsOf(node, least, most) {
    var args = node.args;
    if (!Array.isArray(args) || args.length < least || args.length > most) {
      throw new ExpressionError('malformed syntax tree: wrong arguments in ' + describe(node));
    }
    return args;
  }

  function checkTree(tree) {
    var stack = [[tree, 1]];
    while (stack.length) {
      var entry = stack.pop();
      if (entry[1] > MAX_DEPTH) {
        throw new ExpressionError('expression is nested too deeply (more than ' + MAX_DEPTH + ' levels)');
      }
      var kids = children(entry[0]);
      for (var i = kids.length - 1; i >= 0; i -= 1) stack.push([kids[i], entry[1] + 1]);
    }
  }

  /* Evaluation. */

  function run(node, answers, current) {
    var kind = node.type;
    if (kind === 'num' || kind === 'str') return node.value;
    if (kind === 'ref') {
      var answer = Object.prototype.hasOwnProperty.call(answers, node.code) ? answers[node.code] : null;
      return answerValue(node.code, answer);
    }
    if (kind === 'self') {
      if (current === UNSET) throw new ExpressionError("'.' (this answer) can only be used in a constraint");
      return current;
    }
    if (kind === 'neg') return -toNumber(run(node.arg, answers, current));
    if (kind === 'arith') {
      return arithmetic(node.op, toNumber(run(node.left, answers, current)),
                        toNumber(run(node.right, answers, current)));
    }
    if (kind === 'cmp') return compare(node.op, run(node.left, answers, current), run(node.right, answers, current));
    if (kind === 'and') return node.args.every(function (arg) { return toBoolean(run(arg, answers, current)); });
    if (kind === 'or') return node.args.some(function (arg) { return toBoolean(run(arg, answers, current)); });
    if (node.name === 'if') {
      var branch = toBoolean(run(node.args[0], answers, current)) ? node.args[1] : node.args[2];
      return run(branch, answers, current);
    }
    var values = node.args.map(function (arg) { return run(arg, answers, current); });
    return FUNCTIONS[node.name][2](values);
  }

  /**
   * Evaluate a checked syntax tree with answers (item code -> answer) and, for a constraint, the
   * answer being checked as "." (pass undefined when there is none). Returns a boolean, a number or
   * a string; throws ExpressionError for a malformed tree or "." without a current answer.
   */
  function evaluate(tree, answers, current) {
    checkTree(tree);
    var self = arguments.length < 3 || current === undefined ? UNSET : answerValue('.', current);
    return run(tree, answers || {}, self);
  }

  /* Turn a result or an answer into a boolean the XPath way, as relevant and constraint do. */
  function truthy(value) {
    return toBoolean(answerValue('value', value));
  }

  root.HailongExpressions = {
    evaluate: evaluate,
    truthy: truthy,
    checkTree: checkTree,
    numberToString: numberToString,
    ExpressionError: ExpressionError
  };
}(typeof self !== 'undefined' ? self : this));
