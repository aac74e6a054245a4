package sasl

import "fmt"

// login is LOGIN (draft-murchison-sasl-login-00): the server prompts
// "Username:" then "Password:", and the client answers each.
type login struct {
	auth     Authenticator
	state    int // loginStart, loginUser, loginPass, loginDone
	user     []byte
	identity string
}

const (
	loginStart = iota
	loginUser  // waiting for the user name
	loginPass  // waiting for the password
	loginDone
)

// The prompts of draft-murchison-sasl-login-00 §2; clients ignore their text.
const (
	promptUser = "Username:"
	promptPass = "Password:"
)

// Start takes the user name as the initial response when there is one
// (RFC 4954 §4 allows it; the draft's clients send "AUTH LOGIN dXNlcg==").
func (m *login) Start(initial []byte) ([]byte, bool, error) {
	if m.state != loginStart {
		return nil, true, errFinished
	}
	m.state = loginUser
	if initial == nil {
		return []byte(promptUser), false, nil
	}
	return m.Next(initial)
}

func (m *login) Next(resp []byte) ([]byte, bool, error) {
	if err := checkResponse(resp); err != nil {
		m.state = loginDone
		return nil, true, err
	}
	switch m.state {
	case loginUser:
		if err := checkIdentity(resp); err != nil {
			m.state = loginDone
			return nil, true, err
		}
		m.user = append([]byte(nil), resp...)
		m.state = loginPass
		return []byte(promptPass), false, nil
	case loginPass:
		m.state = loginDone
		if !m.auth.CheckPassword(string(m.user), string(resp)) {
			return nil, true, fmt.Errorf("%w: LOGIN for %q", ErrAuthFailed, m.user)
		}
		m.identity = string(m.user)
		return nil, true, nil
	}
	m.state = loginDone
	return nil, true, errFinished
}

func (m *login) Identity() string { return m.identity }
