package jsonx

// AppendConditions appends to b the JSON object of a Condition block,
// {"Operator":{"key":["value",…],…},…}, for conditions already sorted by
// operator: consecutive conditions with the same operator share one
// operator object, in the order given. parts gives a condition's operator,
// key and values; every string is written by AppendString with esc, every
// value list as a list even when it has one element. No conditions are
// written as {}.
func AppendConditions[C any](b []byte, cs []C, parts func(*C) (op, key string, values []string), esc Escaping) []byte {
	b = append(b, '{')
	prevOp := ""
	for i := range cs {
		op, key, values := parts(&cs[i])
		if i == 0 || op != prevOp {
			if i > 0 {
				b = append(b, "},"...)
			}
			b = AppendString(b, op, esc)
			b = append(b, ":{"...)
			prevOp = op
		} else {
			b = append(b, ',')
		}
		b = AppendString(b, key, esc)
		b = append(b, ':')
		b = AppendStrings(b, values, esc)
	}
	if len(cs) > 0 {
		b = append(b, '}')
	}
	return append(b, '}')
}
