package main

import (
	"fmt"
	"slices"
)

// median of xs; 0 for none.
func median(xs []float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	s := slices.Clone(xs)
	slices.Sort(s)
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

// ratio formats a/b as "3.1×", or "–" when b is zero.
func ratio(a, b float64) string {
	if a == 0 || b == 0 {
		return "–"
	}
	return fmt.Sprintf("%.2f×", a/b)
}

// spread formats the lowest and highest of xs, for the reader to judge noise.
func spread(xs []float64, format string) string {
	if len(xs) == 0 {
		return "–"
	}
	return fmt.Sprintf(format+"–"+format, slices.Min(xs), slices.Max(xs))
}

func ms(secs float64) string {
	switch {
	case secs == 0:
		return "–"
	case secs < 0.01:
		return fmt.Sprintf("%.2f ms", secs*1000)
	case secs < 1:
		return fmt.Sprintf("%.0f ms", secs*1000)
	}
	return fmt.Sprintf("%.2f s", secs)
}
