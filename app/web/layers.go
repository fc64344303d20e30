package web

import (
	"bytes"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"netstudy/app/layers"
)

// The Layers visualizer: GET /layers is the page, GET /api/layers the
// scenario list, GET /api/layers/{id} one scenario built from the query
// string, and GET /api/layers/{id}.pcapng the same scenario as a capture
// with one interface per link. GET /api/layers/{id}.pcap serves classic
// pcap where the scenario has one link, and pcapng where it has several,
// since classic pcap cannot keep the links apart.
// The page and the API read the same query parameters (layers.Param*
// names), so a link such as /layers?scenario=websocket&message=…&observed=
// client_ip opens the page on exactly what /api/layers/websocket?message=…
// serves.

// layerParams are the query parameters a scenario is built from, in the
// order a student meets them. Other query parameters are ignored, so a
// link may carry its own (a campaign tag, a cache buster) without breaking.
var layerParams = []string{
	layers.ParamMessage,
	layers.ParamClientIP, layers.ParamClientPort,
	layers.ParamServerIP, layers.ParamServerPort,
	layers.ParamTTL, layers.ParamMTU,
	layers.ParamClientMAC, layers.ParamServerMAC,
	layers.ParamRouterClientMAC, layers.ParamRouterServerMAC,
	layers.ParamDrop, layers.ParamObserved,
}

// paramLabels name the parameters the way the page's form does.
var paramLabels = map[string]string{
	layers.ParamMessage:         "Message",
	layers.ParamClientIP:        "Client IP address",
	layers.ParamClientPort:      "Client port",
	layers.ParamServerIP:        "Server IP address",
	layers.ParamServerPort:      "Server port",
	layers.ParamTTL:             "Time to live",
	layers.ParamMTU:             "MTU",
	layers.ParamClientMAC:       "Client MAC address",
	layers.ParamServerMAC:       "Server MAC address",
	layers.ParamRouterClientMAC: "Router MAC address (client side)",
	layers.ParamRouterServerMAC: "Router MAC address (server side)",
	layers.ParamDrop:            "Packets to drop",
	layers.ParamObserved:        "Observed values",
}

// paramProblem is one invalid parameter, as the API and the page report it.
type paramProblem struct {
	Param   string `json:"param"`
	Label   string `json:"label"`
	Message string `json:"message"`
}

// paramErrorBody is the JSON of a 400: error names the first bad
// parameter in words; errors lists every one, so a form can mark them all.
type paramErrorBody struct {
	Error  string         `json:"error"`
	Param  string         `json:"param"`
	Errors []paramProblem `json:"errors"`
}

// scenarioInfo finds a scenario in the catalogue.
func scenarioInfo(id string) (layers.Info, bool) {
	for _, in := range layers.Scenarios() {
		if in.ID == id {
			return in, true
		}
	}
	return layers.Info{}, false
}

// buildScenario makes scenario id from the query. An unknown id is a 404;
// invalid parameters come back as problems (and a nil scenario), one per
// parameter, in the order of layerParams.
func buildScenario(id string, q url.Values) (*layers.Scenario, []paramProblem, error) {
	if _, ok := scenarioInfo(id); !ok {
		return nil, nil, notFound("There is no scenario called “" + id + "”.")
	}
	p := layers.DefaultParamsFor(id)
	var errs []error
	for _, name := range layerParams {
		if vs, ok := q[name]; ok {
			if err := p.Set(name, vs[0]); err != nil {
				errs = append(errs, err)
			}
		}
	}
	if len(errs) > 0 {
		// Report the values that are wrong as well as those that do not
		// parse, so the student can fix everything at once.
		if problems := paramProblems(append(errs, p.Validate())...); len(problems) > 0 {
			return nil, problems, nil
		}
	}
	sc, err := layers.Build(id, p)
	if problems := paramProblems(err); len(problems) > 0 {
		return nil, problems, nil
	}
	if err != nil {
		return nil, nil, fmt.Errorf("build layers scenario %q: %w", id, err)
	}
	return sc, nil, nil
}

// paramProblems flattens errors (Validate joins several) into the
// parameter problems among them, one per parameter.
func paramProblems(errs ...error) []paramProblem {
	var out []paramProblem
	seen := map[string]bool{}
	var walk func(err error)
	walk = func(err error) {
		if err == nil {
			return
		}
		if j, ok := err.(interface{ Unwrap() []error }); ok {
			for _, e := range j.Unwrap() {
				walk(e)
			}
			return
		}
		var pe *layers.ParamError
		if errors.As(err, &pe) && !seen[pe.Param] {
			seen[pe.Param] = true
			label := paramLabels[pe.Param]
			if label == "" {
				label = pe.Param
			}
			out = append(out, paramProblem{Param: pe.Param, Label: label, Message: pe.Reason})
		}
	}
	for _, err := range errs {
		walk(err)
	}
	return out
}

func (s *Server) handleAPILayers(c echo.Context) error {
	return c.JSON(http.StatusOK, layers.Scenarios())
}

// handleAPILayer serves /api/layers/{id} as JSON and /api/layers/{id}.pcap
// or .pcapng as a capture: echo's router cannot tell them apart, so one
// handler looks at the suffix.
func (s *Server) handleAPILayer(c echo.Context) error {
	id := c.Param("id")
	var capture string
	for _, ext := range []string{".pcapng", ".pcap"} {
		if strings.HasSuffix(id, ext) {
			id, capture = strings.TrimSuffix(id, ext), ext
			break
		}
	}
	sc, problems, err := buildScenario(id, c.QueryParams())
	if err != nil {
		return err
	}
	if len(problems) > 0 {
		// Written here rather than by the error handler, whose JSON has
		// no room for which parameters were wrong.
		first := problems[0]
		return c.JSON(http.StatusBadRequest, paramErrorBody{
			Error:  first.Param + ": " + first.Message,
			Param:  first.Param,
			Errors: problems,
		})
	}
	if capture == "" {
		return c.JSON(http.StatusOK, sc)
	}
	var buf bytes.Buffer
	if capture == ".pcap" && len(sc.Links()) <= 1 {
		if err := layers.WritePcap(&buf, sc); err != nil {
			return fmt.Errorf("write pcap of %q: %w", id, err)
		}
		c.Response().Header().Set("Content-Disposition", `attachment; filename="`+id+`.pcap"`)
		return c.Blob(http.StatusOK, "application/vnd.tcpdump.pcap", buf.Bytes())
	}
	if err := layers.WritePcapng(&buf, sc); err != nil {
		return fmt.Errorf("write pcapng of %q: %w", id, err)
	}
	c.Response().Header().Set("Content-Disposition", `attachment; filename="`+id+`.pcapng"`)
	return c.Blob(http.StatusOK, "application/x-pcapng", buf.Bytes())
}

// layersForm holds the form's values as typed (or as the defaults print).
type layersForm struct {
	Message, ClientIP, ClientPort, ServerIP, ServerPort, TTL, MTU string
	Drop, Observed                                                string
}

// hiddenParam is a parameter the form has no field for (the MACs) but
// that came in the link, so that it survives the form's next submission.
type hiddenParam struct{ Name, Value string }

// stepLine is one step of the text description, for readers without
// JavaScript (and for everyone, under "Every step in words").
type stepLine struct {
	Where string
	Text  string
}

type layersPage struct {
	Layout    layout
	Scenarios []layers.Info
	Selected  layers.Info
	Form      layersForm
	Hidden    []hiddenParam
	Problems  []paramProblem
	Invalid   map[string]bool
	// AddressesOpen opens the "Addresses and ports" section when one of
	// its fields is wrong, so the student sees what to fix.
	AddressesOpen bool
	Scenario      *layers.Scenario
	Steps         []stepLine
	PcapURL       string
	// Defaults are every scenario's default parameters as the form shows
	// them: the script uses them to keep links short and to switch
	// scenarios without carrying one scenario's defaults into another.
	Defaults map[string]map[string]string
}

// formDefaults prints a scenario's default parameters as form values.
func formDefaults(id string) map[string]string {
	p := layers.DefaultParamsFor(id)
	return map[string]string{
		layers.ParamMessage:    p.Message,
		layers.ParamClientIP:   p.ClientIP.String(),
		layers.ParamClientPort: strconv.Itoa(int(p.ClientPort)),
		layers.ParamServerIP:   p.ServerIP.String(),
		layers.ParamServerPort: strconv.Itoa(int(p.ServerPort)),
		layers.ParamTTL:        strconv.Itoa(int(p.TTL)),
		layers.ParamMTU:        strconv.Itoa(p.MTU),
		layers.ParamDrop:       "",
		layers.ParamObserved:   "",
	}
}

func (s *Server) handleLayers(c echo.Context) error {
	q := c.QueryParams()
	list := layers.Scenarios()
	page := layersPage{
		Layout:    layout{Title: "Layers", Description: "Follow a packet down and up the OSI and TCP/IP layers, step by step, with every header field and byte.", Section: "layers", Scripts: []string{"js/layers.js"}},
		Scenarios: list,
		Selected:  list[0],
		Invalid:   map[string]bool{},
		Defaults:  map[string]map[string]string{},
	}
	for _, in := range list {
		page.Defaults[in.ID] = formDefaults(in.ID)
	}
	status := http.StatusOK
	if id := q.Get("scenario"); id != "" {
		in, ok := scenarioInfo(id)
		if !ok {
			status = http.StatusNotFound
			page.Problems = []paramProblem{{Param: "scenario", Label: "Scenario",
				Message: "there is no scenario called “" + id + "”; choose one from the list"}}
			page.Invalid["scenario"] = true
		} else {
			page.Selected = in
		}
	}

	values := formDefaults(page.Selected.ID)
	for _, name := range layerParams {
		if vs, ok := q[name]; ok {
			if _, inForm := values[name]; inForm {
				values[name] = vs[0]
			} else {
				page.Hidden = append(page.Hidden, hiddenParam{name, vs[0]})
			}
		}
	}
	page.Form = layersForm{
		Message: values[layers.ParamMessage], ClientIP: values[layers.ParamClientIP],
		ClientPort: values[layers.ParamClientPort], ServerIP: values[layers.ParamServerIP],
		ServerPort: values[layers.ParamServerPort], TTL: values[layers.ParamTTL],
		MTU: values[layers.ParamMTU], Drop: values[layers.ParamDrop], Observed: values[layers.ParamObserved],
	}
	if status == http.StatusOK {
		sc, problems, err := buildScenario(page.Selected.ID, q)
		if err != nil {
			return err
		}
		if len(problems) > 0 {
			status = http.StatusBadRequest
			page.Problems = problems
		}
		page.Scenario = sc
	}
	for _, p := range page.Problems {
		page.Invalid[p.Param] = true
		switch p.Param {
		case layers.ParamClientIP, layers.ParamClientPort, layers.ParamServerIP,
			layers.ParamServerPort, layers.ParamTTL, layers.ParamMTU:
			page.AddressesOpen = true
		}
	}
	if page.Scenario != nil {
		page.Steps = stepLines(page.Scenario)
	}
	page.PcapURL = "/api/layers/" + page.Selected.ID + ".pcapng"
	if qs := scenarioQuery(q).Encode(); qs != "" {
		page.PcapURL += "?" + qs
	}
	return s.render(c, status, "layers", page)
}

// scenarioQuery keeps the query parameters a scenario is built from.
func scenarioQuery(q url.Values) url.Values {
	out := url.Values{}
	for _, name := range layerParams {
		if vs, ok := q[name]; ok {
			out.Set(name, vs[0])
		}
	}
	return out
}

// stepLines describes every step in words, each headed by where it
// happens, in the same words the script uses.
func stepLines(sc *layers.Scenario) []stepLine {
	names := map[string]string{"wire": "On the wire"}
	for _, n := range sc.Nodes {
		names[n.ID] = n.Name
	}
	osiNames := map[int]string{}
	for _, l := range sc.Stack {
		osiNames[l.OSI] = l.OSIName
	}
	out := make([]stepLine, len(sc.Steps))
	for i, st := range sc.Steps {
		where := names[st.Side]
		if where == "" {
			where = st.Side
		}
		where += fmt.Sprintf(" · %s layer (OSI %d, TCP/IP %s)", osiNames[st.OSI], st.OSI, st.TCPIP)
		if st.PDU != "" {
			where += " · " + st.PDU
		}
		out[i] = stepLine{Where: where, Text: st.Description}
	}
	return out
}
