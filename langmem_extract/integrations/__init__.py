"""LangChain / LangGraph faces: chat history, retriever, tools and agent hooks."""
