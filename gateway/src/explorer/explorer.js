// The explorer runs queries with the analyst's own credentials: a session from the sign-in form, kept
// for this tab only, or whatever Authorization header they type into GraphiQL's headers editor.
(function () {
  var storageKey = 'explorer.session';
  var session = JSON.parse(sessionStorage.getItem(storageKey) || 'null');
  var who = document.getElementById('who');
  var form = document.getElementById('sign-in');
  var signOut = document.getElementById('sign-out');

  function show() {
    form.hidden = Boolean(session);
    signOut.hidden = !session;
    who.textContent = session ? 'Signed in; queries run with your access token.' : 'Not signed in: only public fields will answer.';
  }

  async function post(body, headers) {
    var response = await fetch('/graphql', {
      method: 'POST',
      headers: Object.assign({ 'content-type': 'application/json', accept: 'application/json' }, headers || {}),
      body: JSON.stringify(body),
    });
    return response.json();
  }

  async function refresh() {
    if (!session) return;
    var result = await post({
      query: 'mutation($input: SessionRefreshInput!) { sessionRefresh(input: $input) { session { accessToken refreshToken expiresAt } userErrors { message } } }',
      variables: { input: { refreshToken: session.refreshToken } },
    });
    var next = result.data && result.data.sessionRefresh.session;
    session = next || null;
    sessionStorage.setItem(storageKey, JSON.stringify(session));
    show();
  }

  form.addEventListener('submit', async function (event) {
    event.preventDefault();
    var data = new FormData(form);
    who.textContent = 'Signing in…';
    var result = await post({
      query: 'mutation($input: SessionCreateInput!) { sessionCreate(input: $input) { session { accessToken refreshToken expiresAt } userErrors { message } } }',
      variables: { input: { email: data.get('email'), password: data.get('password') } },
    });
    var payload = result.data && result.data.sessionCreate;
    if (payload && payload.session) {
      session = payload.session;
      sessionStorage.setItem(storageKey, JSON.stringify(session));
      // Reload so GraphiQL introspects again with the new credentials (introspection may need them).
      location.reload();
    } else {
      who.textContent = (payload && payload.userErrors[0] && payload.userErrors[0].message) || 'Sign-in failed.';
    }
  });

  signOut.addEventListener('click', function () {
    session = null;
    sessionStorage.removeItem(storageKey);
    show();
  });

  var costView = document.getElementById('cost');

  function showCost(cost) {
    if (!cost) {
      costView.textContent = '';
      return;
    }
    var text = 'Cost: ' + cost.requestedQueryCost + ' points requested, ' + cost.actualQueryCost + ' actual';
    var throttle = cost.throttleStatus;
    if (throttle) text += ' · ' + throttle.currentlyAvailable + ' of ' + throttle.maximumAvailable + ' points left (+' + throttle.restoreRate + '/s)';
    costView.textContent = text;
  }

  // Reads extensions.cost from a copy of each answer, so GraphiQL still gets the response untouched.
  async function fetchShowingCost(url, init) {
    var response = await fetch(url, init);
    var introspection = typeof init.body === 'string' && init.body.indexOf('"operationName":"IntrospectionQuery"') !== -1;
    var type = response.headers.get('content-type') || '';
    if (!introspection && type.indexOf('json') !== -1) {
      response
        .clone()
        .json()
        .then(function (body) {
          showCost(body && body.extensions && body.extensions.cost);
        })
        .catch(function () {
          showCost(null);
        });
    }
    return response;
  }

  var baseFetcher = GraphiQL.createFetcher({ url: '/graphql', fetch: fetchShowingCost });
  async function fetcher(params, options) {
    if (session && new Date(session.expiresAt).getTime() - Date.now() < 30000) await refresh();
    var headers = Object.assign({}, (options && options.headers) || {});
    if (session && !headers.Authorization && !headers.authorization) headers.Authorization = 'Bearer ' + session.accessToken;
    return baseFetcher(params, Object.assign({}, options, { headers: headers }));
  }

  show();
  ReactDOM.createRoot(document.getElementById('graphiql')).render(
    React.createElement(GraphiQL, {
      fetcher: fetcher,
      defaultEditorToolsVisibility: true,
      defaultQuery: '# Sign in above, then run:\nquery Viewer {\n  viewer {\n    user { name email }\n    organization { name slug }\n    role\n    permissions\n  }\n}\n',
    }),
  );
})();
